package io.github.icl4j.checkpoint;

import io.github.icl4j.runtime.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes a Hugging Face model folder as one set: {@code config.json}, {@code model.safetensors} and (optionally)
 * {@code tokenizer.json}, replacing whatever checkpoint the folder held before.
 *
 * <p>The new set is written into a sibling staging folder {@code .<name>.saving-<random>} and swapped in by two
 * renames (the old folder aside to {@code .<name>.old-<random>}, the staging folder to the name), so a reader sees
 * either the whole old set or the whole new one, never a mix; checkpoint files the new set lacks (a stale
 * {@code model.safetensors.index.json} or its shards, an old tokenizer, {@code generation_config.json}, pickles) are
 * gone afterwards. Other files in the folder (a README, notes) are carried over. A failure removes the staging folder;
 * a process killed mid-save leaves only dot-folders that the next save of the same folder removes (or, when it was
 * killed between the two renames and the folder is missing, restores: the old set is put back first).
 */
public final class HfCheckpointWriter {
    /** Files that belong to a checkpoint and are replaced, not carried over, when a new set is saved. */
    private static final Pattern CHECKPOINT_FILE = Pattern.compile("config\\.json|generation_config\\.json"
            + "|tokenizer(_config)?\\.json|special_tokens_map\\.json|added_tokens\\.json|vocab\\.(json|txt)"
            + "|merges\\.txt|tokenizer\\.model|.*\\.safetensors|.*\\.safetensors\\.index\\.json|.*\\.bin|.*\\.pt"
            + "|.*\\.pth|.*\\.ckpt|\\..*\\.tmp");

    private HfCheckpointWriter() {
    }

    /**
     * Saves a complete checkpoint into {@code dir} (created when missing), replacing the checkpoint files it held.
     *
     * @param tokenizerJson the tokenizer's text, or null for none (an old tokenizer.json is then removed)
     * @throws IllegalArgumentException when {@code dir} is a file or holds sub-folders (save into a folder of its own)
     * @throws UncheckedIOException     when writing fails; the folder then still holds its old set
     */
    public static void write(Path dir, Map<String, Tensor> weights, Map<String, String> metadata, String configJson,
            String tokenizerJson) {
        Path target = dir.toAbsolutePath().normalize();
        try {
            if (Files.isSymbolicLink(target)) {
                target = target.toRealPath();
            }
            Path parent = target.getParent();
            if (parent == null) {
                throw new IllegalArgumentException(dir + ": cannot save a model as the file-system root");
            }
            Files.createDirectories(parent);
            String name = target.getFileName().toString();
            recoverLeftovers(parent, name, target);
            List<Path> carried = carriedOver(target);
            Path staging = parent.resolve("." + name + ".saving-" + AtomicFiles.randomHex());
            Files.createDirectory(staging);
            try {
                SafetensorsWriter.write(staging.resolve("model.safetensors"), weights, metadata);
                AtomicFiles.writeString(staging.resolve("config.json"), configJson);
                if (tokenizerJson != null) {
                    AtomicFiles.writeString(staging.resolve("tokenizer.json"), tokenizerJson);
                }
                for (Path f : carried) {
                    link(f, staging.resolve(f.getFileName().toString()));
                }
                AtomicFiles.syncDirectory(staging);
                swapIn(staging, target, parent, name);
                staging = null;
            } finally {
                if (staging != null) {
                    deleteRecursively(staging);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir, e);
        }
    }

    /** Regular files of {@code target} that are not checkpoint files; refuses sub-folders. */
    private static List<Path> carriedOver(Path target) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.exists(target)) {
            return out;
        }
        if (!Files.isDirectory(target)) {
            throw new IllegalArgumentException(target + ": exists and is not a folder; a model is saved as a folder");
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(target)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalArgumentException(target + ": holds the sub-folder '" + n + "'; save a model "
                            + "into a folder of its own (its old checkpoint files are replaced as one set)");
                }
                if (!CHECKPOINT_FILE.matcher(n).matches()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** Hard-links (or copies, where links are not possible) a carried-over file into the new set. */
    private static void link(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (FileSystemException | UnsupportedOperationException e) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static void swapIn(Path staging, Path target, Path parent, String name) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(parent);
            return;
        }
        Path old = parent.resolve("." + name + ".old-" + AtomicFiles.randomHex());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the old set back
            throw e;
        }
        AtomicFiles.syncDirectory(parent);
        deleteRecursively(old);
    }

    /**
     * Cleans what a killed save left: staging folders are deleted; an old set moved aside is put back when the folder
     * is missing (killed between the two renames), else deleted.
     */
    private static void recoverLeftovers(Path parent, String name, Path target) throws IOException {
        List<Path> staging = new ArrayList<>();
        List<Path> old = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, "." + name + ".*")) {
            for (Path p : s) {
                String n = p.getFileName().toString().substring(name.length() + 2);
                if (n.matches("saving-[0-9a-f]{16}")) {
                    staging.add(p);
                } else if (n.matches("old-[0-9a-f]{16}")) {
                    old.add(p);
                }
            }
        }
        for (Path p : staging) {
            deleteRecursively(p);
        }
        for (Path p : old) {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                deleteRecursively(p);
            }
        }
    }

    private static void deleteRecursively(Path p) {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover dot-folder is removed by the next save
        }
    }
}
