package io.sonde.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port choice for the local stack: the documented port when it is free, else any free port. */
final class Ports {
    private Ports() {}

    /** {@code port} if nothing listens on it now; 0 (let the server choose) otherwise. */
    static int preferred(int port) {
        if (port == 0) {
            return 0;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return port;
        } catch (IOException e) {
            System.err.println("[sonde] port " + port + " is taken; using a free port instead");
            return 0;
        }
    }
}
