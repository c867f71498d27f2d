#!/usr/bin/env python3
"""A WebSocket server nobody in this repo wrote, for the lab's e2e: Debian's python3-websockets, run as the
lab's server with c1m_server_impl=command and c1m_protocol=websocket. Everything a connection gets is the
library's: the upgrade, a Pong for every Ping (RFC 6455 5.5.2: the clients' heartbeats), its own keepalive
Pings (which the clients must answer) and, here, each data frame sent back. This file only opens the ports.

  ws-echo-server.py PORTS      e.g. 9000-9019 or 9000,9001; listens on every address
Stops on SIGTERM (asyncio's default: the process ends), as the lab stops its servers.
"""
import asyncio
import sys

import websockets


def ports(spec):
    out = []
    for part in spec.split(","):
        low, _, high = part.partition("-")
        out.extend(range(int(low), int(high or low) + 1))
    return out


async def echo(websocket, path=None):
    async for message in websocket:
        await websocket.send(message)


async def main(spec):
    servers = [await websockets.serve(echo, None, port, backlog=65535) for port in ports(spec)]
    print("listening on %s (websockets %s)" % (spec, websockets.__version__), flush=True)
    await asyncio.gather(*(server.wait_closed() for server in servers))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ws-echo-server.py PORTS (e.g. 9000-9019)")
    asyncio.run(main(sys.argv[1]))
