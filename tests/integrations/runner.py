"""A small stand-in for the GitHub Actions runner, enough to run a composite
action.yml locally: it evaluates `${{ }}` expressions and step conditions,
runs the `run:` steps with bash as the runner does (`bash --noprofile
--norc -eo pipefail`), with the runner's files and variables
(GITHUB_OUTPUT per step, GITHUB_STEP_SUMMARY, GITHUB_PATH, GITHUB_EVENT_PATH,
RUNNER_TEMP, ...), and records the `uses:` steps (actions/cache, the SARIF
upload) with their resolved `with:` instead of running them."""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import pathlib
import re
import subprocess
from typing import Any, Dict, List, Optional

import yaml

CONTEXT_REF = re.compile(r"\b(?:inputs|steps|github|runner|env)(?:\.[A-Za-z0-9_-]+)+")


@dataclasses.dataclass
class StepResult:
    name: str
    ran: bool
    uses: Optional[str] = None
    with_: Dict[str, str] = dataclasses.field(default_factory=dict)
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: Dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Run:
    steps: List[StepResult]
    summary: str

    @property
    def failed(self) -> bool:
        return any(s.ran and s.returncode != 0 for s in self.steps)

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)


class Runner:
    def __init__(self, action_dir: pathlib.Path, workspace: pathlib.Path, temp: pathlib.Path, event_name: str, event: dict, path_prepend: List[str]):
        self.action_dir = action_dir
        self.workspace = workspace
        self.temp = temp
        self.event_name = event_name
        self.event = event
        self.path_prepend = path_prepend

    # --- expressions -------------------------------------------------
    def _lookup(self, ref: str, ctx: Dict[str, Any]) -> Any:
        value: Any = ctx
        for part in ref.split("."):
            if not isinstance(value, dict) or part not in value:
                return ""
            value = value[part]
        return value

    def evaluate(self, expr: str, ctx: Dict[str, Any], status_ok: bool) -> Any:
        expr = expr.strip()
        if expr.startswith("${{") and expr.endswith("}}"):
            expr = expr[3:-2].strip()
        names: Dict[str, Any] = {}

        def ref(m: re.Match) -> str:
            key = f"_v{len(names)}"
            names[key] = self._lookup(m.group(0), ctx)
            return key

        py = CONTEXT_REF.sub(ref, expr)
        py = py.replace("&&", " and ").replace("||", " or ")
        py = re.sub(r"!(?!=)", " not ", py)
        names.update(
            cancelled=lambda: False,
            always=lambda: True,
            success=lambda: status_ok,
            failure=lambda: not status_ok,
            format=lambda f, *a: re.sub(r"\{(\d+)\}", lambda m: str(a[int(m.group(1))]), f),
            hashFiles=lambda *p: "hash" if any(glob.glob(os.path.join(self.workspace, x)) or os.path.exists(x) for x in p) else "",
            true=True,
            false=False,
        )
        return eval(py, {"__builtins__": {}}, names)  # noqa: S307 (test helper, our own action.yml)

    def substitute(self, text: str, ctx: Dict[str, Any]) -> str:
        def one(m: re.Match) -> str:
            value = self.evaluate(m.group(1), ctx, True)
            return "" if value is None else str(value)

        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    def condition(self, expr: Optional[str], ctx: Dict[str, Any], status_ok: bool) -> bool:
        if expr is None:
            return status_ok
        text = str(expr)
        # A condition without a status function is `success() && (...)`.
        if not re.search(r"\b(always|cancelled|failure|success)\(", text):
            return status_ok and bool(self.evaluate(text, ctx, status_ok))
        return bool(self.evaluate(text, ctx, status_ok))

    # --- running -----------------------------------------------------
    def run(self, inputs: Dict[str, str]) -> Run:
        action = yaml.safe_load((self.action_dir / "action.yml").read_text())
        assert action["runs"]["using"] == "composite"
        given = dict(inputs)
        unknown = set(given) - set(action["inputs"])
        assert not unknown, f"inputs the action does not declare: {unknown}"
        resolved = {k: given.get(k, v.get("default", "")) for k, v in action["inputs"].items()}
        self.temp.mkdir(parents=True, exist_ok=True)
        event_path = self.temp / "event.json"
        event_path.write_text(json.dumps(self.event))
        summary = self.temp / "step_summary.md"
        summary.write_text("")
        path_file = self.temp / "path.txt"
        path_file.write_text("")
        ctx: Dict[str, Any] = {
            "inputs": resolved,
            "steps": {},
            "github": {
                "action_path": str(self.action_dir),
                "action_ref": "",
                "sha": self.event.get("pull_request", {}).get("head", {}).get("sha", "0" * 40),
                "workspace": str(self.workspace),
                "event_name": self.event_name,
            },
            "runner": {"temp": str(self.temp), "os": "Linux", "arch": "X64"},
        }
        base_env = {
            "PATH": os.pathsep.join(self.path_prepend + [os.environ["PATH"]]),
            "HOME": os.environ.get("HOME", str(self.temp)),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_ACTION_PATH": str(self.action_dir),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_PATH": str(path_file),
            "GITHUB_SHA": ctx["github"]["sha"],
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
        }
        results: List[StepResult] = []
        status_ok = True
        for i, step in enumerate(action["runs"]["steps"]):
            name = step.get("name", f"step {i}")
            if not self.condition(step.get("if"), ctx, status_ok):
                results.append(StepResult(name=name, ran=False, uses=step.get("uses")))
                continue
            if "uses" in step:
                with_ = {k: self.substitute(v, ctx) for k, v in (step.get("with") or {}).items()}
                results.append(StepResult(name=name, ran=True, uses=step["uses"], with_=with_))
                if "id" in step:
                    ctx["steps"][step["id"]] = {"outputs": {}}
                continue
            assert step.get("shell") == "bash", f"{name}: composite run steps need shell: bash"
            output_file = self.temp / f"output_{i}.txt"
            output_file.write_text("")
            env = dict(base_env)
            extra_path = [p for p in path_file.read_text().splitlines() if p]
            env["PATH"] = os.pathsep.join(extra_path[::-1] + [base_env["PATH"]])
            env.update({k: self.substitute(v, ctx) for k, v in (step.get("env") or {}).items()})
            env["GITHUB_OUTPUT"] = str(output_file)
            script = self.substitute(step["run"], ctx)
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            outputs = dict(
                line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
            )
            if "id" in step:
                ctx["steps"][step["id"]] = {"outputs": outputs}
            results.append(
                StepResult(name=name, ran=True, returncode=proc.returncode, stdout=proc.stdout, stderr=proc.stderr, outputs=outputs)
            )
            if proc.returncode != 0:
                status_ok = False
        return Run(steps=results, summary=summary.read_text())
