"""A pytest process ends without the interpreter's last sweep over everything the run imported.

At exit Python clears every module and collects the reference cycles among what they held: for
this suite (the app, SQLAlchemy, pytest's collected tests) 0.2 to 0.4 s a process, after the last
test has run. Under pytest-xdist each worker pays it before the controller can finish, and then
the controller pays it too. `gc.freeze()` at exit takes those objects out of the collector's
sight, and the operating system frees the memory at once.

Exit handlers (coverage's data file, an embedded server's shutdown) all still run. What is lost
is only the finalizers of objects still in reference cycles at exit, such as the ResourceWarning
an unclosed connection would print there: the suite's own checks catch those while tests run.
"""

import atexit
import gc


def skip_last_collection_at_exit() -> None:
    # Once a process, however many times pytest configures in it.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
