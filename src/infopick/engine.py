"""Where tasks run, on the ground floor: this process, a pool of processes, or Ray.

One abstraction for every stage that fans work out: sharded selection (select/partition.py),
out-of-core embedding (embed/linear.py) and bench cells (bench/grid.py, bench/cell.py). ``map`` returns results
in order, ``as_completed`` yields them as they finish, ``put`` places a large argument once
(Ray's object store; elsewhere the value itself). An engine knows nothing of what it runs.
Ray is an optional extra, imported only when ``engine="ray"`` is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from infopick.errors import InfopickError

ENGINES = ("local", "process", "ray")


class LocalEngine:
    """Runs tasks one after another in this process."""

    name = "local"

    def map(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]]) -> list[Any]:
        return [fn(*a) for a in args]

    def as_completed(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        for a in args:
            yield fn(*a)

    def put(self, value: Any) -> Any:
        return value


class ProcessEngine:
    """Runs tasks in ``workers`` fresh (spawned) processes; ``initializer(*initargs)`` runs once in each.

    ``fn`` and its arguments must pickle (a module-level function). Spawned, not forked: a
    forked torch or FAISS with threads already running can deadlock.
    """

    name = "process"

    def __init__(self, workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> None:
        self.workers, self.initializer, self.initargs = workers, initializer, initargs

    def _executor(self) -> Any:
        import concurrent.futures as cf
        import multiprocessing as mp

        return cf.ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"), initializer=self.initializer,
                                      initargs=self.initargs)

    def map(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]]) -> list[Any]:
        with self._executor() as ex:
            return [f.result() for f in [ex.submit(fn, *a) for a in args]]

    def as_completed(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        import concurrent.futures as cf

        with self._executor() as ex:
            for f in cf.as_completed([ex.submit(fn, *a) for a in args]):
                yield f.result()

    def put(self, value: Any) -> Any:
        return value


class RayEngine:
    """Runs tasks on Ray: a local Ray started here (``address=None``) or an existing cluster's ``address``."""

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        ray = require_ray()
        if address:
            _reachable(address)  # also when a Ray is already up in this process: the address asked for must answer
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
            if address:
                try:  # (checked reachable above: Ray itself retries a dead address for minutes, printing C++ warnings)
                    ray.init(address=address, **kwargs)
                except Exception as exc:  # Ray raises ConnectionError, RuntimeError or its own AuthenticationError
                    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
                    raise InfopickError(f"could not join the Ray cluster at {address}: {first}. Check the address "
                                        "(`ray status` on the head prints it) and, where the cluster uses tokens "
                                        "(RAY_AUTH_MODE=token), that this process sees the same token as the head "
                                        "(README: Large pools and Ray)") from None
            else:
                ray.init(num_cpus=num_cpus, **kwargs)
        self.ray = ray

    def _remote(self, fn: Callable[..., Any], cpus: int | None) -> Any:
        # A task that runs torch on ``cpus`` threads asks Ray for that many CPUs: Ray then never runs more
        # threads on a node than it has cores (oversubscribed, a bench cell took 10x as long on a cluster).
        return self.ray.remote(fn) if cpus is None else self.ray.remote(num_cpus=cpus)(fn)

    def largest_node_cpus(self) -> int:
        """The CPUs of the cluster's largest live node (a task asking for more would never be scheduled)."""
        return max([int(n["Resources"].get("CPU", 0)) for n in self.ray.nodes() if n.get("Alive")] or [1])

    def map(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], cpus: int | None = None) -> list[Any]:
        remote = self._remote(fn, cpus)
        return list(self.ray.get([remote.remote(*a) for a in args]))

    def as_completed(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], cpus: int | None = None) -> Iterator[Any]:
        remote = self._remote(fn, cpus)
        pending = [remote.remote(*a) for a in args]
        while pending:
            done, pending = self.ray.wait(pending, num_returns=1)
            yield self.ray.get(done[0])

    def put(self, value: Any) -> Any:
        return self.ray.put(value)  # once into the object store; tasks read it without another copy


Engine = LocalEngine | ProcessEngine | RayEngine


def _reachable(address: str, timeout: float = 5.0) -> None:
    """A TCP connection to HOST:PORT (also of ``ray://HOST:PORT``) within ``timeout`` s, or one error line; ``auto`` passes."""
    import socket

    target = address.removeprefix("ray://")
    host, sep, port = target.rpartition(":")
    if address == "auto" or not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise InfopickError(f"no Ray head answers at {address} ({exc.strerror or exc.__class__.__name__}): check the address "
                            "and that `ray start --head` runs there (`ray status` on the head prints its address)") from None


def require_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InfopickError("--engine ray needs Ray: pip install 'infopick[ray]' (or pip install ray)") from None
    return ray


def get_engine(name: str, address: str | None = None, *, workers: int = 2) -> Engine:
    """The engine called ``name``; an unknown name lists the valid ones."""
    if name in ("local", "process") and address:
        raise InfopickError("--address applies to --engine ray")
    if name == "local":
        return LocalEngine()
    if name == "process":
        return ProcessEngine(workers)
    if name == "ray":
        return RayEngine(address)
    raise InfopickError(f"unknown engine {name!r}; valid: {', '.join(ENGINES)}")
