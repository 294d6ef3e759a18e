package io.github.icl4j.checkpoint;

/**
 * A checkpoint file or directory is malformed or does not fit the model: the message names the file, the
 * tensor or value, and what was expected. Thrown before any native memory is touched.
 */
public class InvalidCheckpointException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidCheckpointException(String message) {
        super(message);
    }

    public InvalidCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
