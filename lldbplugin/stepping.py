"""``wasm step|next|finish`` as a scripted thread plan (``thread step-scripted``), driven by the core's
``StepPlan``: LLDB single-steps while the plan asks for it (``should_step``), and a call to run over or a frame to
leave becomes a child plan (run to the return address, step out). The core plan of the command is the session's
``step``; the class finds it by the thread's debugger.
"""

from __future__ import annotations

from collections.abc import Callable

import lldb

from emitter.debugcore.session import CommandError
from emitter.debugcore.stepping import RunTo, StepPlan, Stop

from .session import LldbSession, session_for

#: ``thread step-scripted -C`` resolves the class by dotted name in the script dictionary.
PLAN_CLASS = f"{__name__}.WasmStepPlan"


class WasmStepPlan:
    def __init__(self, thread_plan: lldb.SBThreadPlan, *_context: object) -> None:
        # LLDB passes (thread_plan, internal_dict), or with ``-k``/``-v`` arguments (thread_plan, args, dict).
        self.thread_plan = thread_plan
        thread = thread_plan.GetThread()
        self.session = session_for(thread.GetProcess().GetTarget().GetDebugger())
        plan = self.session.step
        if plan is None:
            raise RuntimeError(f"{PLAN_CLASS} runs only from wasm step, next or finish")
        self.plan: StepPlan = plan
        self.child: lldb.SBThreadPlan | None = None
        self.run_to: RunTo | None = None
        if plan.kind == "finish":
            self.child = thread_plan.QueueThreadPlanForStepOut(0, False)

    def _read(self) -> tuple[int, int]:
        frame = self.thread_plan.GetThread().GetFrameAtIndex(0)
        return int(frame.GetPC()), int(frame.GetSP())

    def explains_stop(self, _event: lldb.SBEvent) -> bool:
        """Our single steps, and the landing pad the step waits for (a hook stops there); anything else (a user
        breakpoint, a signal) ends the step."""
        thread = self.thread_plan.GetThread()
        if thread.GetStopReason() == lldb.eStopReasonTrace:
            return True
        return self._with_thread(self.plan.at_landing_pad)

    def should_stop(self, _event: lldb.SBEvent) -> bool:
        if self.child is not None and not self.child.IsPlanComplete():
            if not self._with_thread(self.plan.at_landing_pad):
                return False
        return self._with_thread(self._decide)

    def _decide(self) -> bool:
        plan = self.plan
        if plan.at_landing_pad():
            return self._done(plan.interrupted())
        if plan.kind == "finish":
            return self._done(plan.after_finish())
        pc, sp = self._read()
        action = plan.after_run_to(self.run_to, pc, sp) if self.run_to is not None else plan.after_instruction(pc, sp)
        self.child = self.run_to = None
        if isinstance(action, Stop):
            return self._done(action.text)
        if isinstance(action, RunTo):
            self.run_to = action
            target = self.thread_plan.GetThread().GetProcess().GetTarget()
            self.child = self.thread_plan.QueueThreadPlanForRunToAddress(target.ResolveLoadAddress(action.address))
        return False

    def _done(self, text: str) -> bool:
        self.plan.result = text
        self.thread_plan.SetPlanComplete(True)
        return True

    def _with_thread(self, decide: Callable[[], bool]) -> bool:
        adapter = self.session.adapter
        adapter.stopped_thread = self.thread_plan.GetThread()
        self.session.invalidate()
        try:
            return decide()
        finally:
            adapter.stopped_thread = None

    def should_step(self) -> bool:
        return self.child is None

    def is_stale(self) -> bool:
        return False


def run(session: LldbSession, kind: str) -> str:
    """One ``wasm step|next|finish``: the plan runs synchronously; its text, or where the thread stopped when
    something else ended it."""
    plan = StepPlan(session, kind)
    debugger = session.adapter.debugger
    # LLDB steps out of frames without line information (``step-out-avoid-nodebug``): our Wasm frames may have
    # none, and ``finish`` must stop in the caller whatever it is.
    setting = "target.process.thread.step-out-avoid-nodebug"
    instance = debugger.GetInstanceName()
    previous = lldb.SBDebugger.GetInternalVariableValue(setting, instance)
    was_async = debugger.GetAsync()
    lldb.SBDebugger.SetInternalVariable(setting, "false", instance)
    debugger.SetAsync(False)
    result = lldb.SBCommandReturnObject()
    try:
        with session.stepping(plan):
            debugger.GetCommandInterpreter().HandleCommand(f"thread step-scripted -C {PLAN_CLASS}", result)
            session.invalidate()
            if not result.Succeeded():
                raise CommandError(result.GetError().strip().removeprefix("error: "))
            return plan.result if plan.result is not None else plan.interrupted()
    finally:
        debugger.SetAsync(was_async)
        if previous is not None and previous.GetSize():
            lldb.SBDebugger.SetInternalVariable(setting, previous.GetStringAtIndex(0), instance)
