package io.gravix.loadgen;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One persistent HTTP/1.1 connection that POSTs a body and reads the status.
 *
 * <p>Why not {@code java.net.http.HttpClient}: on this project's 2-core
 * benchmark machine it cost more CPU per request than Gravix spends serving
 * it, so a load run measured the client. This sends one pre-built request per
 * call over a plain socket and parses just the status line and Content-Length
 * (Gravix's answers are small and never chunked). Not a general HTTP client.
 */
final class KeepAliveConnection implements Closeable {
    private final URI uri;
    private final byte[] headerPrefix;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    KeepAliveConnection(URI uri, String contentType, String apiKey, boolean gzip) {
        this.uri = uri;
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        this.headerPrefix = ("POST " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Authorization: Bearer " + apiKey + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + (gzip ? "Content-Encoding: gzip\r\n" : "")
                + "Content-Length: ").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code body}; returns the response status. Reconnects once if the server closed an idle connection. */
    int post(byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        out.write(headerPrefix);
        out.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return readResponse();
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80), 5000);
        socket.setSoTimeout(60_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    private int readResponse() throws IOException {
        String status = readLine();
        if (status == null || !status.startsWith("HTTP/1.1 ")) {
            close();
            throw new IOException("connection closed or bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = 0;
        boolean closeAfter = false;
        for (String line; (line = readLine()) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                closeAfter = true;
            }
        }
        for (long skipped = 0; skipped < length; ) {
            long n = in.skip(length - skipped);
            if (n <= 0) {
                if (in.read() < 0) {
                    break;
                }
                n = 1;
            }
            skipped += n;
        }
        if (closeAfter) {
            close();
        }
        return code;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                int len = line.length();
                return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
