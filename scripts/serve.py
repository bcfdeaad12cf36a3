#!/usr/bin/env python3
"""Serves www/ on 127.0.0.1 for scripts/serve.sh: Python's static file server, with each
page's Content-Security-Policy (the one its <meta http-equiv> states) sent as a header too,
and a policy for the engine's worker, which a <meta> cannot give (tests/e2e/server.mjs does
the same for the end-to-end tests)."""
import http.server
import os
import re
import sys

# The engine worker (worker.js) loads its modules and the wasm from this site, and compiles it.
WORKER_POLICY = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
META = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
    }

    def end_headers(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        policy = None
        if path.endswith(".html") and os.path.isfile(path):
            with open(path, "rb") as f:
                m = META.search(f.read())
            if m:
                policy = m.group(1).decode()
        elif os.path.basename(path) == "worker.js":
            policy = WORKER_POLICY
        if policy:
            self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    root = sys.argv[2] if len(sys.argv) > 2 else "www"
    handler = lambda *a, **k: Handler(*a, directory=root, **k)  # noqa: E731
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        httpd.serve_forever()
