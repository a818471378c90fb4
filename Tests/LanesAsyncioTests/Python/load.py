"""Sends concurrent HTTP requests to the server on 127.0.0.1: each round opens one connection per
path at once (one /report among /profile requests). Bounded: --rounds rounds, a 10 s timeout."""
import argparse
import socket
import threading


def request(port, path, results):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path.encode())
        data = b""
        while chunk := connection.recv(4096):
            data += chunk
        results.append(data.startswith(b"HTTP/1.1 200"))


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--rounds", type=int, default=2)
arguments = parser.parse_args()
results = []
for _ in range(arguments.rounds):
    paths = ["/profile", "/report", "/profile", "/profile"]
    threads = [threading.Thread(target=request, args=(arguments.port, path, results)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
if not all(results) or len(results) != 4 * arguments.rounds:
    raise SystemExit(f"load: {results.count(True)} of {4 * arguments.rounds} requests succeeded")
