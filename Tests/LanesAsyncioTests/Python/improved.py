"""The article's chat handler, improved: the independent awaits and the long blocking call run
together in a gather, the blocking call on a worker thread through run_in_executor. The first
synchronous wait_for and the run_sync-like step stay, as in the article (and are still flagged).
Traced by make_traces.py with `viztracer --log_async`."""
import asyncio
import time


def wait_for(seconds):
    time.sleep(seconds)  # blocking: nothing else on the loop runs meanwhile


async def await_for(seconds):
    await asyncio.sleep(seconds)


async def on_message(author):
    wait_for(0.15)
    loop = asyncio.get_running_loop()
    await asyncio.gather(await_for(0.1), await_for(0.2), loop.run_in_executor(None, wait_for, 0.25))
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
