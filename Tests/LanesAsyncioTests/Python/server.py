"""A plain-asyncio HTTP server with one blocking handler: `/report` renders synchronously
(time.sleep stands for a blocking library call), every other path awaits. It serves exactly
--requests connections on 127.0.0.1, writes its port to --port-file once listening, then exits.
Traced by make_traces.py with `viztracer --log_async` while load.py sends concurrent requests."""
import argparse
import asyncio
import os
import time


def render_report():
    time.sleep(0.2)  # blocking: every other connection waits for the loop
    return b"report"


async def fetch_profile():
    await asyncio.sleep(0.02)
    return b"profile"


async def handle(reader, writer):
    request = await reader.readline()
    while (await reader.readline()).strip():
        pass  # the headers
    if request.startswith(b"GET /report"):
        body = render_report()
    else:
        body = await fetch_profile()
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    served[0] -= 1
    if served[0] == 0:
        all_served.set()


async def main(requests, port_file):
    global served, all_served
    served = [requests]
    all_served = asyncio.Event()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(port_file + ".tmp", "w") as file:
        file.write(str(port))
    os.replace(port_file + ".tmp", port_file)
    await asyncio.wait_for(all_served.wait(), timeout=30)
    server.close()
    await server.wait_closed()


parser = argparse.ArgumentParser()
parser.add_argument("--requests", type=int, required=True)
parser.add_argument("--port-file", required=True)
arguments = parser.parse_args()
asyncio.run(main(arguments.requests, arguments.port_file))
