"""The article's chat handler, naive: it sleeps synchronously inside the coroutine (holding the
event loop) and awaits one thing after another. Two messages arrive together while a heartbeat
task ticks. Traced by make_traces.py with `viztracer --log_async`."""
import asyncio
import time


def wait_for(seconds):
    time.sleep(seconds)  # blocking: nothing else on the loop runs meanwhile


async def await_for(seconds):
    await asyncio.sleep(seconds)


async def on_message(author):
    wait_for(0.15)
    await await_for(0.1)
    await await_for(0.2)
    wait_for(0.25)
    wait_for(0.12)  # the article's run_sync step: still holds the caller
    return author


async def heartbeat(stop):
    while not stop.is_set():
        await asyncio.sleep(0.05)


async def main():
    stop = asyncio.Event()
    beat = asyncio.create_task(heartbeat(stop), name="heartbeat")
    await asyncio.gather(*(asyncio.create_task(on_message(author), name=f"on_message {author}")
                           for author in ("alice", "bob")))
    stop.set()
    await beat


asyncio.run(main())
