package io.github.icl4j.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes files so that a reader never sees half of one: into a temporary sibling, flushed to disk, then moved over
 * the target (atomically where the file system can), and the folder flushed so the rename survives a power cut.
 * Every report, checkpoint, config and tokenizer icl4j writes goes through here.
 *
 * <p>Files get the permissions the process's umask gives new files (as {@code Files.write} would), not the owner-only
 * mode of {@code Files.createTempFile}. The temporary file is removed when writing fails; one left by a killed
 * process is named {@code .<name>.<random>.tmp}.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Writes the content of one file into an open channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes {@code text} as UTF-8 to {@code file}, creating its folder. */
    public static void writeString(Path file, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(file, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /**
     * Writes {@code file} through a temporary sibling: {@code content} fills it, it is forced to disk, moved over the
     * target, and the folder is forced. On failure the temporary file is deleted and the target is untouched.
     *
     * @throws UncheckedIOException naming the file when writing fails
     */
    public static void write(Path file, Content content) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = createTemp(dir, "." + target.getFileName());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            moveOver(tmp, target);
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error matters more
                }
            }
        }
    }

    /**
     * Creates a new empty file {@code <prefix>.<random>.tmp} in {@code dir} with the default permissions (the umask's),
     * unlike {@code Files.createTempFile}, whose files are owner-only.
     */
    public static Path createTemp(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(prefix + "." + randomHex() + ".tmp");
            try {
                Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Eight random bytes in hex, for names of temporary files and folders. */
    public static String randomHex() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Moves a finished temporary file over the target, atomically where supported. */
    public static void moveOver(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces a folder's entries (renames, creations, deletions) to disk. Where the platform cannot open a folder
     * for this (Windows), it does nothing: the renames are then as durable as the file system makes them.
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here (e.g. Windows): nothing more can be done
        }
    }

    /** Writes all of {@code buf}. */
    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
