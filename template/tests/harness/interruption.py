"""SIGTERM stops a run the way Ctrl-C does, so that fixtures' finalizers still run.

A cancelled CI job, `timeout` and `docker stop` send SIGTERM, whose default action ends the
process at once: each worker's test database, and an embedded server, would be left behind.
"""

import signal
from types import FrameType

import psutil


def stop_like_ctrl_c_on_sigterm(xdist_worker: bool) -> None:
    signal.signal(signal.SIGTERM, _interrupt_worker if xdist_worker else _interrupt)


def _interrupt(_signum: int, frame: FrameType | None) -> None:
    # pytest-xdist's workers, if any: `docker stop` signals the first process only.
    for child in psutil.Process().children():
        child.send_signal(signal.SIGTERM)
    _ctrl_c(signal.getsignal(signal.SIGINT), frame)


def _interrupt_worker(_signum: int, frame: FrameType | None) -> None:
    # Once interrupted, a worker ignores the SIGINT pytest-xdist sends it a few seconds into its
    # shutdown, and a second SIGTERM (`timeout` signals every process of the run): either would
    # interrupt its finalizers. xdist still kills a worker that takes more than 10 s.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _ctrl_c(signal.signal(signal.SIGINT, signal.SIG_IGN), frame)


def _ctrl_c(handler: object, frame: FrameType | None) -> None:
    """Run the SIGINT handler: inside the event loop, asyncio's, which cancels the running test
    first and so unwinds it cleanly; elsewhere, or where SIGINT is ignored (a process a script
    started in the background), Python's, which raises KeyboardInterrupt."""
    ctrl_c = handler if callable(handler) else signal.default_int_handler
    ctrl_c(signal.SIGINT, frame)
