package io.github.icl4j.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * The size and modification time of an open weight file, to refuse one rewritten in place while it is being read.
 *
 * <p>A file replaced by a rename or deleted is no risk: the open channel keeps reading the old file, whole. A file
 * rewritten or truncated in place would mix old and new bytes into one model, so it is refused.
 */
record FileStamp(Object fileKey, long size, FileTime modified) {
    static FileStamp of(Path path, long size) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new FileStamp(a.fileKey(), size, a.lastModifiedTime());
        } catch (IOException e) {
            return new FileStamp(null, size, null);
        }
    }

    /**
     * Throws when the file under {@code path} is still the one opened but its size or modification time changed.
     *
     * @throws InvalidCheckpointException naming the file and what changed
     */
    void check(Path path, FileChannel channel) {
        long nowSize;
        try {
            nowSize = channel.size();
        } catch (IOException e) {
            throw new InvalidCheckpointException(path + ": cannot read its size any more: " + e.getMessage(), e);
        }
        FileTime nowModified = modified;
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (fileKey == null || Objects.equals(fileKey, a.fileKey())) {
                nowModified = a.lastModifiedTime();
            }
        } catch (NoSuchFileException e) {
            // deleted: the channel still reads the file as it was
        } catch (IOException e) {
            // cannot stat: the size check above still holds
        }
        if (nowSize != size || !Objects.equals(nowModified, modified)) {
            throw new InvalidCheckpointException(path + ": changed while being loaded (size " + size + " -> " + nowSize
                    + " bytes, modified " + modified + " -> " + nowModified + "); a loaded model is a snapshot of its "
                    + "files: load it again once they are written");
        }
    }
}
