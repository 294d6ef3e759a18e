package io.github.icl4j.examples.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Bytes to a writer (UTF-8): lets the progress output share picocli's error writer. */
final class WriterOutputStream extends java.io.OutputStream {
    private final PrintWriter w;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter w) {
        this.w = w;
    }

    @Override
    public void write(int b) {
        buf.write(b);
        if (b == '\n' || b == '\r') {
            flush();
        }
    }

    @Override
    public void flush() {
        w.write(buf.toString(StandardCharsets.UTF_8));
        w.flush();
        buf.reset();
    }
}
