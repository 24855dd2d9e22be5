"""The streamed scan's heap headroom: set for the scan only, glibc's default restored after, a no-op without
mallopt."""

from __future__ import annotations

import pytest

from varhlh.read import heap


def _recorder(answer: int) -> tuple[list[tuple[int, int]], object]:
    calls: list[tuple[int, int]] = []

    def mallopt(param: int, value: int) -> int:
        calls.append((param, value))
        return answer

    return calls, mallopt


def test_pad_set_inside_and_default_restored_after(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, mallopt = _recorder(1)
    monkeypatch.setattr(heap, "_mallopt", lambda: mallopt)
    with heap.heap_headroom(32 << 20):
        assert calls == [(heap.M_TOP_PAD, 32 << 20)]
    assert calls == [(heap.M_TOP_PAD, 32 << 20), (heap.M_TOP_PAD, heap.DEFAULT_TOP_PAD)]


def test_default_restored_when_the_scan_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, mallopt = _recorder(1)
    monkeypatch.setattr(heap, "_mallopt", lambda: mallopt)

    def scan() -> None:
        with heap.heap_headroom(1 << 20):
            msg = "refused"
            raise ValueError(msg)

    with pytest.raises(ValueError, match="refused"):
        scan()
    assert calls[-1] == (heap.M_TOP_PAD, heap.DEFAULT_TOP_PAD)


def test_a_refused_setting_is_not_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, mallopt = _recorder(0)
    monkeypatch.setattr(heap, "_mallopt", lambda: mallopt)
    with heap.heap_headroom(1 << 20):
        pass
    assert calls == [(heap.M_TOP_PAD, 1 << 20)]


def test_no_mallopt_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap.sys, "platform", "darwin")
    assert heap._mallopt() is None
    with heap.heap_headroom(1 << 20):
        pass


@pytest.mark.skipif(not heap.sys.platform.startswith("linux"), reason="glibc/musl mallopt is Linux-only")
def test_the_real_call_runs_on_linux() -> None:
    assert heap._mallopt() is not None
    with heap.heap_headroom(1 << 20):
        data = [bytes(1 << 16) for _ in range(64)]
    assert len(data) == 64
