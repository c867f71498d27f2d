"""A third-party WebSocket server for the client's tests: Debian's python3-websockets, holding every
connection and doing nothing of its own. It answers the client's Pings with Pongs (the library does, as RFC
6455 asks) and pings the client every second, closing a connection whose Pong does not come within a second:
so the client is held to answering too. Prints "ready" once it listens on 127.0.0.1:<port>."""
import asyncio
import sys

import websockets


async def hold(websocket, path=None):
    await websocket.wait_closed()


async def main(port):
    async with websockets.serve(hold, "127.0.0.1", port, ping_interval=1, ping_timeout=1, backlog=4096):
        print("ready", flush=True)
        await asyncio.Future()


asyncio.run(main(int(sys.argv[1])))
