"""Unit tests of scripts/mtf-fleet without a cluster.

Slurm is replaced by three small stand-ins on PATH (sbatch records the script and prints a job
id; squeue and scontrol print what the test put in files), and an array task is run the way
slurmd runs it: the generated batch script under bash with SLURM_ARRAY_JOB_ID,
SLURM_ARRAY_TASK_ID and SLURM_CPUS_PER_TASK set, output into the log file its #SBATCH --output
names. The retrain binaries are tests/fleet/fake_retrain, whose outcome (exit code, verdict,
failed gates) is written into each data file, so every expected value below is known by
construction. tests/fleet/fleet_on_slurm.sh runs the real binaries on a real one-node cluster.

Run: python3 -m unittest discover -s tests/fleet -p 'test_*.py'
"""

import importlib.machinery
import importlib.util
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent
TOOL = SOURCE / "scripts" / "mtf-fleet"


def _load_tool():
    loader = importlib.machinery.SourceFileLoader("mtf_fleet", str(TOOL))
    spec = importlib.util.spec_from_loader("mtf_fleet", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["mtf_fleet"] = module  # dataclasses look their module up there
    loader.exec_module(module)
    return module


fleet_tool = _load_tool()

FAKE_SBATCH = r"""#!/bin/bash
# stand-in for sbatch --parsable [options] SCRIPT: records the call, prints the next job id
d=$FAKE_SLURM_DIR
if [ -f "$d/sbatch_fails" ]; then cat "$d/sbatch_fails" >&2; exit 1; fi
n=$(( $(cat "$d/next_id" 2>/dev/null || echo 100) ))
echo $((n + 1)) >"$d/next_id"
mkdir -p "$d/jobs"
script=${@: -1}
cp "$script" "$d/jobs/$n.sbatch"
printf '%s\n' "$n $*" >>"$d/sbatch.log"
echo "$n"
"""
FAKE_SQUEUE = r"""#!/bin/bash
# stand-in for squeue -h -r -o '%F|%K|%i|%T|%r': prints $FAKE_SLURM_DIR/queue.txt
[ "$*" = "-h -r -o %F|%K|%i|%T|%r" ] || { echo "unexpected squeue $*" >&2; exit 1; }
cat "$FAKE_SLURM_DIR/queue.txt" 2>/dev/null
exit 0
"""
FAKE_SCONTROL = r"""#!/bin/bash
# stand-in for scontrol -o show job ID: prints $FAKE_SLURM_DIR/scontrol/ID or fails like Slurm
f="$FAKE_SLURM_DIR/scontrol/$4"
[ -f "$f" ] && cat "$f" && exit 0
echo "slurm_load_jobs error: Invalid job id specified" >&2
exit 1
"""
FAKE_SACCT = "#!/bin/bash\necho 'Slurm accounting storage is disabled' >&2\nexit 1\n"


def _write_exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


class FleetCase(unittest.TestCase):
    """A temp folder with fake binaries, fake Slurm commands on PATH and data files."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mtf-fleet-test-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.bin = self.tmp / "build"
        self.bin.mkdir()
        for tf in ("12h", "24h", "5m"):
            (self.bin / f"retrain_{tf}").symlink_to(HERE / "fake_retrain")
        self.slurm = self.tmp / "slurm"
        (self.slurm / "bin").mkdir(parents=True)
        for name, text in (("sbatch", FAKE_SBATCH), ("squeue", FAKE_SQUEUE),
                           ("scontrol", FAKE_SCONTROL), ("sacct", FAKE_SACCT)):
            _write_exe(self.slurm / "bin" / name, text)
        env = {"PATH": f"{self.slurm / 'bin'}:{os.environ['PATH']}",
               "FAKE_SLURM_DIR": str(self.slurm)}
        self._saved_env = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        self.addCleanup(self._restore_env)
        (self.tmp / "data").mkdir()

    def _restore_env(self):
        for k, v in self._saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def data(self, name: str, code: int, outcome: str = "", gates: str = "") -> str:
        path = self.tmp / "data" / f"{name}.csv"
        path.write_text(f"fake {code} {outcome} {gates}".rstrip() + "\n")
        return f"data/{name}.csv"

    def fleet_file(self, body: str, name: str = "fleet.toml") -> Path:
        path = self.tmp / name
        path.write_text(textwrap.dedent(body))
        return path

    def run_tool(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            code = fleet_tool.main(list(args))
        finally:
            sys.stdout, sys.stderr = old
        return code, out.getvalue(), err.getvalue()

    def submitted(self) -> list[tuple[str, list[str]]]:
        """(job id, sbatch arguments) of every fake sbatch call, in order."""
        calls = []
        log = self.slurm / "sbatch.log"
        for line in (log.read_text().splitlines() if log.exists() else []):
            job, *args = line.split()
            calls.append((job, args))
        return calls

    def run_task(self, job: str, task: str | None, cpus: int | None = None) -> int:
        """Runs array task `task` of fake job `job` (or the whole job when task is None) as
        slurmd would: bash on the script, Slurm's variables set, output into the #SBATCH log."""
        script = (self.slurm / "jobs" / f"{job}.sbatch").read_text()
        log = re.search(r"^#SBATCH --output=(\S+)$", script, re.M).group(1)
        log = log.replace("%A", job).replace("%a", task or "").replace("%j", job)
        cpus = cpus or int(re.search(r"^#SBATCH --cpus-per-task=(\d+)$", script, re.M).group(1))
        env = dict(os.environ, SLURM_JOB_ID=job, SLURM_CPUS_PER_TASK=str(cpus))
        env.pop("SLURM_ARRAY_TASK_ID", None)
        env.pop("SLURM_ARRAY_JOB_ID", None)
        if task is not None:
            env.update(SLURM_ARRAY_JOB_ID=job, SLURM_ARRAY_TASK_ID=task)
        with open(log, "w") as f:
            return subprocess.run(["bash", str(self.slurm / "jobs" / f"{job}.sbatch")], env=env,
                                  stdout=f, stderr=subprocess.STDOUT).returncode

    def set_queue(self, *lines: str) -> None:
        (self.slurm / "queue.txt").write_text("".join(line + "\n" for line in lines))

    def status(self, fleet: Path) -> dict:
        code, out, err = self.run_tool("status", str(fleet), "--json")
        self.assertEqual(code, 0, err)
        units = json.loads(out)["units"]
        return {(u["symbol"], u["timeframe"], u["mode"]): u for u in units}


TRAIN_FLEET = """\
name = "desk"
binaries = "build"
out = "out"
timeframes = ["12h", "24h"]
seed = 7

[resources]
cpus_per_task = 2
mem = "1G"
time = "00:10:00"

[resources.24h]
cpus_per_task = 3

[[symbol]]
name = "aaa"
data = "{a}"

[[symbol]]
name = "bbb"
data = {{ "12h" = "{b12}", "24h" = "{b24}" }}
"""


class FleetFileTest(FleetCase):
    def test_a_valid_fleet_resolves_paths_against_its_folder_and_lists_every_unit(self):
        path = self.fleet_file(TRAIN_FLEET.format(a="data/a.csv", b12="data/b12.csv", b24="data/b24.csv"))
        fleet = fleet_tool.load_fleet(path)
        self.assertEqual(fleet.out, self.tmp / "out")
        self.assertEqual(fleet.binary_for("24h"), self.tmp / "build" / "retrain_24h")
        units = [(u.symbol, u.timeframe, u.mode, u.data.name) for u in fleet.units()]
        self.assertEqual(units, [("aaa", "12h", "train", "a.csv"), ("aaa", "24h", "train", "a.csv"),
                                 ("bbb", "12h", "train", "b12.csv"), ("bbb", "24h", "train", "b24.csv")])
        self.assertEqual(fleet.resources_for("12h").cpus_per_task, 2)
        self.assertEqual(fleet.resources_for("24h").cpus_per_task, 3)
        self.assertEqual(fleet.resources_for("24h").mem, "1G")  # inherited from [resources]
        self.assertEqual([u.symbol for u in fleet.units(["bbb:24h"])], ["bbb"])
        self.assertEqual([u.timeframe for u in fleet.units(["*:12h"])], ["12h", "12h"])

    def test_the_documented_example_fleet_is_valid(self):
        fleet = fleet_tool.load_fleet(SOURCE / "docs" / "fleet.example.toml")
        self.assertGreater(len(fleet.units()), 0)

    def test_each_mistake_is_reported_with_the_file_and_the_key(self):
        good = TRAIN_FLEET.format(a="data/a.csv", b12="data/b12.csv", b24="data/b24.csv")
        cases = [
            (good.replace('seed = 7', 'sed = 7'), "unknown key(s) ['sed']"),
            (good.replace('name = "desk"', 'name = "my desk"'), "'name' 'my desk'"),
            (good.replace('data = {{ "12h" = "data/b12.csv", "24h" = "data/b24.csv" }}'.replace("{{", "{").replace("}}", "}"),
                          'data = { "12h" = "data/b12.csv" }'), "symbol 'bbb': 'data' has no file for timeframe 24h"),
            (good.replace('timeframes = ["12h", "24h"]', 'timeframes = ["12h", "1 day"]'), "timeframe '1 day'"),
            (good + 'mode = "backtest"\n', "symbol 'bbb': mode 'backtest' is not one of"),  # the last [[symbol]]
            (good.replace('seed = 7', 'seed = 7\nmode = "backtest"'), "mode 'backtest' is not one of"),
            (good.replace('name = "bbb"', 'name = "aaa"'), "symbol 'aaa': listed twice"),
            (good.replace('cpus_per_task = 2', 'cpus_per_task = 0'), "'cpus_per_task' must be a positive integer"),
            (good.replace('cpus-per-task', '').replace('mem = "1G"', 'mem = "1G\\n#SBATCH --x"'), "'mem' must be a plain string"),
            (good.replace('time = "00:10:00"', 'time = "00:10:00"\ncpus-per-task = 2'), "[resources]: unknown key(s) ['cpus-per-task']"),
            (good.replace('binaries = "build"\n', ''), "'binaries' (a string) is required"),
            (good + '\n[walkforward]\nevery = "weekly"\n', "'every' must be a positive number of days"),
            (good.replace('out = "out"', 'out = "out'), "not valid TOML"),
        ]
        for i, (text, message) in enumerate(cases):
            with self.subTest(case=i, expect=message):
                path = self.fleet_file(text, f"bad{i}.toml")
                code, out, err = self.run_tool("status", str(path))
                self.assertEqual(code, 1)
                self.assertIn(str(path), err)
                self.assertIn(message, err)


class TrainFleetTest(FleetCase):
    def make_fleet(self) -> Path:
        # aaa: 12h promoted, 24h rejected; bbb: 12h bad data (exit 2), 24h rejected
        a = self.data("a", 0, "promoted")
        self.data("a24", 3, "rejected", "skill,activity")
        b12 = self.data("b12", 2)
        b24 = self.data("b24", 3, "rejected", "backtest_sharpe")
        text = TRAIN_FLEET.format(a=a, b12=b12, b24=b24).replace(
            'data = "data/a.csv"', 'data = { "12h" = "data/a.csv", "24h" = "data/a24.csv" }')
        return self.fleet_file(text)

    def test_dry_run_prints_one_array_per_timeframe_and_submits_nothing(self):
        fleet = self.make_fleet()
        code, out, err = self.run_tool("submit", str(fleet), "--dry-run")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.submitted(), [])
        self.assertFalse((self.tmp / "out").exists(), "a dry run writes nothing")
        scripts = out.split("# ---- sbatch ")[1:]
        self.assertEqual(len(scripts), 2)
        for script, tf, cpus in zip(scripts, ("12h", "24h"), (2, 3)):
            self.assertIn(f"#SBATCH --job-name=desk-{tf}\n", script)
            self.assertIn("#SBATCH --array=0-1\n", script)  # two symbols
            self.assertIn("#SBATCH --dependency=singleton\n", script)
            self.assertIn(f"#SBATCH --cpus-per-task={cpus}\n", script)
            self.assertIn("#SBATCH --mem=1G\n", script)
            self.assertIn("#SBATCH --time=00:10:00\n", script)
            self.assertIn(f"{self.tmp}/build/retrain_{tf} train", script)
            body = script.split("\n", 1)[1]
            check = subprocess.run(["bash", "-n"], input=body, text=True, capture_output=True)
            self.assertEqual(check.returncode, 0, check.stderr)

    def test_tasks_pass_threads_out_and_seed_and_exit_3_is_a_verdict_not_a_failure(self):
        fleet = self.make_fleet()
        code, out, err = self.run_tool("submit", str(fleet))
        self.assertEqual(code, 0, err)
        (j12, args12), (j24, args24) = self.submitted()
        self.assertEqual(args12[0], "--parsable")
        # 12h: aaa promoted (0), bbb bad data (2) | 24h: aaa rejected (3), bbb rejected (3)
        self.assertEqual([self.run_task(j12, "0"), self.run_task(j12, "1")], [0, 2])
        self.assertEqual([self.run_task(j24, "0", cpus=5), self.run_task(j24, "1")], [0, 0])
        calls = (self.tmp / "out" / "aaa" / "calls.log").read_text().splitlines()
        self.assertEqual(calls, [
            f"train --data {self.tmp}/data/a.csv --out {self.tmp}/out/aaa --threads 2 --seed 7",
            f"train --data {self.tmp}/data/a24.csv --out {self.tmp}/out/aaa --threads 5 --seed 7"])
        self.assertTrue((self.tmp / "out" / "bbb" / "24h" / "runs").is_dir())
        self.assertFalse((self.tmp / "out" / "aaa" / "bbb").exists())

        units = self.status(fleet)
        a12, a24 = units[("aaa", "12h", "train")], units[("aaa", "24h", "train")]
        b12, b24 = units[("bbb", "12h", "train")], units[("bbb", "24h", "train")]
        self.assertEqual((a12["state"], a12["verdict"], a12["failed_gates"]), ("done", "promoted", []))
        self.assertEqual((a24["state"], a24["verdict"], a24["failed_gates"]),
                         ("done", "rejected", ["skill", "activity"]))
        self.assertEqual((b24["state"], b24["verdict"], b24["failed_gates"]),
                         ("done", "rejected", ["backtest_sharpe"]))
        self.assertEqual((b12["state"], b12["exit"]), ("failed", 2))
        self.assertIn("b12.csv:1: field 'close': fake failure 2", "\n".join(b12["log_tail"]))
        self.assertEqual(a24["run"], f"{self.tmp}/out/aaa/24h/runs/20260101T000000Z-0000")
        self.assertEqual(a12["job"], f"{j12}_0")

        code, table, _ = self.run_tool("status", str(fleet))
        lines = table.splitlines()
        self.assertRegex(lines[0], r"^symbol\s+tf\s+mode\s+state\s+verdict\s+job\s+seconds\s+failed gates$")
        self.assertRegex(table, r"\naaa\s+24h\s+train\s+done\s+REJECTED\s+" + j24 + r"_0\s+[0-9.]+\s+2: skill, activity\n")
        self.assertRegex(table, r"\nbbb\s+12h\s+train\s+failed\s+exit 2\s+" + j12 + r"_1\s+[0-9.]+\n")
        self.assertIn("    | retrain_12h: error: " + f"{self.tmp}/data/b12.csv:1: field 'close'", table)
        self.assertIn("4 units: 3 done, 1 failed (1 promoted, 2 rejected)", table)

    def test_pending_running_and_lost_tasks_come_from_squeue_and_scontrol(self):
        fleet = self.make_fleet()
        self.run_tool("submit", str(fleet))
        (j12, _), (j24, _) = self.submitted()
        self.set_queue(f"{j12}|0|{j12}_0|RUNNING|None", f"{j12}|1|{j12}_1|PENDING|Resources",
                       f"{j24}|1|{j24}_1|PENDING|Dependency")
        (self.slurm / "scontrol").mkdir()
        (self.slurm / "scontrol" / f"{j24}_0").write_text(
            f"JobId=999 ArrayJobId={j24} ArrayTaskId=0 JobName=desk-24h JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15\n")
        log = self.tmp / "out" / ".fleet" / "logs" / "desk-24h" / f"{j24}_0.log"
        log.write_text("mtf-fleet: aaa 24h train\nslurmstepd: *** JOB CANCELLED DUE TO TIME LIMIT ***\n")
        units = self.status(fleet)
        self.assertEqual(units[("aaa", "12h", "train")]["state"], "running")
        self.assertEqual((units[("bbb", "12h", "train")]["state"], units[("bbb", "12h", "train")]["reason"]),
                         ("pending", "Resources"))
        lost = units[("aaa", "24h", "train")]
        self.assertEqual((lost["state"], lost["slurm_state"]), ("failed", "TIMEOUT"))
        self.assertIn("DUE TO TIME LIMIT", lost["log_tail"][-1])
        code, out, _ = self.run_tool("wait", str(fleet), "--timeout", "0.2", "--poll", "0.05")
        self.assertEqual(code, 124)
        self.set_queue()
        code, out, _ = self.run_tool("wait", str(fleet), "--timeout", "5", "--poll", "0.05")
        self.assertEqual(code, 4)  # finished, with failures
        self.assertIn("aaa:24h:train", out)

    def test_a_later_submission_replaces_the_earlier_one_in_status(self):
        fleet = self.make_fleet()
        self.run_tool("submit", str(fleet))
        (j12, _), _ = self.submitted()
        self.run_task(j12, "1")  # bbb 12h fails: bad data
        (self.tmp / "data" / "b12.csv").write_text("fake 3 rejected skill\n")  # data fixed
        code, out, err = self.run_tool("submit", str(fleet), "--only", "bbb:12h")
        self.assertEqual(code, 0, err)
        job, args = self.submitted()[-1]
        script = (self.slurm / "jobs" / f"{job}.sbatch").read_text()
        self.assertIn("#SBATCH --array=0-0\n", script)
        self.assertIn("#SBATCH --dependency=singleton\n", script)  # waits for the first desk-12h
        self.assertEqual(self.run_task(job, "0"), 0)
        b12 = self.status(fleet)[("bbb", "12h", "train")]
        self.assertEqual((b12["state"], b12["verdict"], b12["job"]), ("done", "rejected", f"{job}_0"))

    def test_symbols_per_task_packs_several_retrains_into_one_task_and_keeps_their_verdicts_apart(self):
        fleet = self.fleet_file(f"""\
            name = "packed"
            binaries = "build"
            out = "out"
            timeframes = ["24h"]
            [resources]
            symbols_per_task = 2
            [[symbol]]
            name = "aaa"
            data = "{self.data('a', 2)}"
            [[symbol]]
            name = "bbb"
            data = "{self.data('b', 3, 'rejected', 'skill')}"
            [[symbol]]
            name = "ccc"
            data = "{self.data('c', 0, 'promoted')}"
            """)
        code, out, err = self.run_tool("submit", str(fleet))
        self.assertEqual(code, 0, err)
        self.assertIn("3 symbol(s) in 2 task(s)", out)
        [(job, _)] = self.submitted()
        self.assertIn("#SBATCH --array=0-1\n", (self.slurm / "jobs" / f"{job}.sbatch").read_text())
        # task 0 retrains aaa (bad data) and then still bbb; the task fails with aaa's exit code
        self.assertEqual(self.run_task(job, "0"), 2)
        self.set_queue(f"{job}|1|{job}_1|PENDING|Priority")
        units = self.status(fleet)
        a, b, c = (units[(s, "24h", "train")] for s in ("aaa", "bbb", "ccc"))
        self.assertEqual((a["state"], a["exit"], a["job"]), ("failed", 2, f"{job}_0"))
        self.assertEqual((b["state"], b["verdict"], b["failed_gates"], b["job"]),
                         ("done", "rejected", ["skill"], f"{job}_0"))
        self.assertEqual((c["state"], c["reason"]), ("pending", "Priority"))
        self.assertIn("a.csv:1: field 'close': fake failure 2", "\n".join(a["log_tail"]))
        self.assertFalse(any("bbb" in line for line in a["log_tail"]), a["log_tail"])
        self.set_queue()
        self.assertEqual(self.run_task(job, "1"), 0)
        c = self.status(fleet)[("ccc", "24h", "train")]
        self.assertEqual((c["state"], c["verdict"], c["job"]), ("done", "promoted", f"{job}_1"))

    def test_a_refused_submission_or_an_empty_selection_is_an_error_with_slurms_words(self):
        fleet = self.make_fleet()
        (self.slurm / "sbatch_fails").write_text("sbatch: error: invalid partition specified: nope\n")
        code, out, err = self.run_tool("submit", str(fleet))
        self.assertEqual(code, 4)
        self.assertIn("invalid partition specified: nope", err)
        code, out, err = self.run_tool("submit", str(fleet), "--only", "zzz")
        self.assertEqual(code, 1)
        self.assertIn("--only zzz selects nothing", err)

    def test_nothing_submitted_is_reported_as_such_without_asking_slurm(self):
        fleet = self.make_fleet()
        shutil.rmtree(self.slurm / "bin")  # any Slurm call would now fail
        units = self.status(fleet)
        self.assertEqual({u["state"] for u in units.values()}, {"not submitted"})
        # `wait` on it fails instead of reporting a finished fleet.
        code, out, err = self.run_tool("wait", str(fleet), "--timeout", "5")
        self.assertEqual(code, 4, out + err)
        self.assertIn("never submitted: aaa:12h:train", out)


WALKFORWARD_FLEET = """\
name = "study"
binaries = "build"
out = "out"
timeframes = ["24h"]
mode = "walkforward"

[resources]
cpus_per_task = 2

[walkforward]
from = "2025-01-01"
to = "2025-06-30"
every = 30

[[symbol]]
name = "aaa"
data = "{a}"
"""


class WalkforwardFleetTest(FleetCase):
    def test_windows_fan_out_as_an_array_and_collect_runs_after_all_of_them(self):
        fleet = self.fleet_file(WALKFORWARD_FLEET.format(a=self.data("a", 0, "rejected")))
        code, out, err = self.run_tool("submit", str(fleet))
        self.assertEqual(code, 0, err)
        (windows, wargs), (collect, cargs) = self.submitted()
        self.assertEqual(cargs[:2], ["--parsable", f"--dependency=afterany:{windows},singleton"])
        script = (self.slurm / "jobs" / f"{windows}.sbatch").read_text()
        self.assertIn("#SBATCH --array=0-2\n", script)  # the fake plan has 3 windows
        self.assertIn("#SBATCH --job-name=study-aaa-24h-wf\n", script)
        units = self.status(fleet)
        self.assertEqual(units[("aaa", "24h", "walkforward")]["state"], "failed")  # nothing ran: lost

        self.assertEqual([self.run_task(windows, str(i)) for i in range(3)], [0, 0, 0])
        self.assertEqual(self.run_task(collect, None), 0)
        calls = (self.tmp / "out" / "aaa" / "calls.log").read_text().splitlines()
        common = (f"walkforward --data {self.tmp}/data/a.csv --out {self.tmp}/out/aaa "
                  "--from 2025-01-01 --to 2025-06-30 --every 30 --seed 42")
        self.assertEqual(calls, [f"{common} --threads 2 --window {i}" for i in range(3)]
                         + [f"{common} --collect"])
        u = self.status(fleet)[("aaa", "24h", "walkforward")]
        self.assertEqual((u["state"], u["windows_done"], u["collect"]), ("done", 3, "done"))
        self.assertEqual(u["window_verdicts"], {"rejected": 3})
        self.assertEqual(u["walkforward_json"],
                         f"{self.tmp}/out/aaa/24h/walkforward/fakestudy/walkforward.json")
        code, out, err = self.run_tool("collect", str(fleet))
        self.assertEqual(code, 0, err)
        self.assertIn("aaa 24h: collected", out)

    def test_a_failed_window_fails_the_study_and_collect_names_the_missing_window(self):
        fleet = self.fleet_file(WALKFORWARD_FLEET.format(a=self.data("a", 4, "rejected")))
        self.run_tool("submit", str(fleet))
        (windows, _), (collect, _) = self.submitted()
        self.assertEqual([self.run_task(windows, str(i)) for i in range(3)], [0, 4, 0])
        self.assertEqual(self.run_task(collect, None), 4)
        u = self.status(fleet)[("aaa", "24h", "walkforward")]
        self.assertEqual((u["state"], u["failed_windows"], u["collect"]), ("failed", [1], "failed"))
        self.assertIn("window 1: fake failure 4", "\n".join(u["log_tail"]))
        code, out, _ = self.run_tool("collect", str(fleet))
        self.assertEqual(code, 4)
        self.assertIn("walk-forward windows not finished: 1", out)

    def test_dry_run_shows_the_window_array_and_the_collect_job(self):
        fleet = self.fleet_file(WALKFORWARD_FLEET.format(a=self.data("a", 0, "rejected")))
        code, out, err = self.run_tool("submit", str(fleet), "--dry-run")
        self.assertEqual(code, 0, err)
        self.assertIn("# ---- sbatch study-aaa-24h-wf-windows.sbatch", out)
        self.assertIn("# ---- sbatch --dependency=afterany:<windows job>,singleton study-aaa-24h-wf-collect.sbatch", out)
        self.assertIn('--threads "$threads" --window "$window"', out)
        self.assertIn("--every 30 --seed 42 --collect", out)
        self.assertEqual(self.submitted(), [])


if __name__ == "__main__":
    unittest.main()
