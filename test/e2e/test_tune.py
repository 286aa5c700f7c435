"""etch-tune end to end: tune a tiny model (a MatMul and a Conv) for a few
trials on the local runner, check the JSONL database, recompile with
--tuning-db and compare with ONNX Runtime, and continue with --resume.
Plus the runners' command construction (ssh, exec, qemu), which needs no
compiler. Cost: ~1-2 minutes on 2 cores (a few dozen small compiles)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

from etch_testing import runner  # noqa: E402
from etch_tune import runners as tune_runners  # noqa: E402

TRIPLE = "x86_64-linux-gnu"
MCPU = "native"
STATUSES = {"ok", "invalid", "compile_error", "run_error", "timeout", "wrong_result"}


def tiny_model() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((32, 24)).astype(np.float32), "w")
    k = numpy_helper.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), "k")
    nodes = [
        helper.make_node("MatMul", ["a", "w"], ["y"], name="fc"),
        helper.make_node("Conv", ["x", "k"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["z"], name="relu"),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [16, 32]),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 12, 12])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [16, 24]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 8, 12, 12])],
        [w, k])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def etch_tune(etch_compile):
    path = Path(etch_compile).parent / "etch-tune"
    if not path.exists():
        pytest.skip(f"{path} not built")
    return str(path)


def tune(etch_tune, model, db, *extra, check=True):
    cmd = [etch_tune, str(model), f"--target={TRIPLE}", f"--mcpu={MCPU}", "--runner=local",
           f"--db={db}", "--seed=1", "--repeats=3", "--warmup=1", "--min-time-us=2000", *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if check:
        assert proc.returncode == 0, runner.describe(proc)
    return proc


def read_db(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def test_tune_apply_and_resume(etch_compile, etch_tune, tmp_path):
    model_path = tmp_path / "tiny.onnx"
    onnx.save(tiny_model(), model_path)
    db = tmp_path / "tune.jsonl"
    report = tmp_path / "report"

    proc = tune(etch_tune, model_path, db, "--trials=3", "--jobs=2", f"--report={report}")
    assert "2 unique workloads" in proc.stdout, proc.stdout
    records = read_db(db)
    keys = {r["key"] for r in records}
    assert len(keys) == 2, records
    for r in records:
        assert r["format"] == 1 and r["key"].startswith("w1-") and r["status"] in STATUSES
        assert r["runner"] == "local" and r["etch_version"] and "schedule" in r
        assert r["measure"] == "layer"  # the default: each layer timed alone
        if r["status"] == "ok":
            assert r["median_us"] > 0 and r["runs"] >= 3 and r["cv"] >= 0
    # Baseline (the heuristic schedule) first, for each task; then at most
    # 3 built trials per task (invalid candidates are recorded, not built).
    assert {r["key"] for r in records[:2]} == keys
    assert all(r["status"] == "ok" for r in records[:2])
    built = [r for r in records[2:] if r["status"] != "invalid" and not r.get("remeasure")]
    assert 1 <= len(built) <= 6
    rows = json.loads((report / "report.json").read_text())
    assert len(rows) == 2 and all(r["best_us"] <= r["baseline_us"] for r in rows)
    assert (report / "report.md").read_text().startswith("| task |")
    # The tuning curve: a PNG wherever the tuner's Python has matplotlib
    # (scripts/setup.sh installs it into .venv-tune; CI has it).
    png = report / "tuning.png"
    assert png.exists() or (not os.environ.get("CI") and "matplotlib" in proc.stderr), proc.stderr
    if png.exists():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The database applies: every layer's workload has a record.
    out = tmp_path / "tuned"
    out.mkdir()
    proc = runner.compile_model(etch_compile, model_path, "tiny", out,
                                extra_flags=[f"--mcpu={MCPU}", f"--tuning-db={db}", "--tuning-db-strict"])
    assert proc.returncode == 0, runner.describe(proc)
    assert "tuning db: 2 of 2 layers tuned, 0 use heuristics" in proc.stderr, proc.stderr
    header = (out / "tiny.h").read_text()
    assert "tuning database xxh3:" in header
    # The object's .comment section names the database.
    comment = subprocess.run(["readelf", "-p", ".comment", str(out / "tiny.o")],
                             capture_output=True, text=True)
    assert "etch tuning db xxh3:" in comment.stdout, comment.stdout + comment.stderr

    # ... and the tuned object still matches ONNX Runtime.
    runner.run_case("tiny", tiny_model(), tmp_path / "case", etch_compile,
                    extra_flags=[f"--mcpu={MCPU}", f"--tuning-db={db}"])

    # Without --resume an existing database is not silently extended.
    proc = tune(etch_tune, model_path, db, "--trials=3", check=False)
    assert proc.returncode != 0 and "--resume" in proc.stderr

    # --resume continues: earlier lines untouched, nothing measured twice.
    before = db.read_text()
    tune(etch_tune, model_path, db, "--trials=5", "--resume")
    after = db.read_text()
    assert after.startswith(before)
    records = read_db(db)
    assert len(records) > len(read_db_text(before))
    for key in keys:
        seen = [json.dumps(r["schedule"], sort_keys=True) for r in records
                if r["key"] == key and not r.get("remeasure")]
        assert len(seen) == len(set(seen)), f"a schedule of {key} was measured twice"
        built = [r for r in records[2:] if r["key"] == key and r["status"] != "invalid"
                 and not r.get("remeasure")]
        assert len(built) <= 5


def test_db_subcommands(etch_tune, tmp_path):
    rec = {"format": 1, "status": "ok", "schedule": {"kind": "matmul"}, "layer": "fc"}
    db = tmp_path / "a.jsonl"
    db.write_text("\n".join(json.dumps(dict(rec, key=k, median_us=t, timing_valid=v))
                            for k, t, v in [("w1-a", 5.0, True), ("w1-a", 3.0, True),
                                            ("w1-a", 1.0, False), ("w1-b", 7.0, True)]) + "\n")
    proc = subprocess.run([etch_tune, "db", "best", str(db), "-o", str(tmp_path / "best.jsonl")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, runner.describe(proc)
    best = read_db(tmp_path / "best.jsonl")
    assert sorted((r["key"], r["median_us"]) for r in best) == [("w1-a", 3.0), ("w1-b", 7.0)]
    proc = subprocess.run([etch_tune, "db", "stats", str(db)], capture_output=True, text=True)
    assert proc.returncode == 0 and "w1-a" in proc.stdout and "ok 3" in proc.stdout, proc.stdout
    proc = subprocess.run([etch_tune, "db", "merge", str(db), str(tmp_path / "best.jsonl"), "-o",
                           str(tmp_path / "m.jsonl")], capture_output=True, text=True)
    assert proc.returncode == 0 and len(read_db(tmp_path / "m.jsonl")) == 4


@pytest.mark.skipif(not runner.AARCH64_LINUX.available(), reason="needs aarch64-linux-gnu-gcc and qemu-aarch64")
def test_qemu_runner_is_correctness_only(etch_compile, etch_tune, tmp_path):
    model_path = tmp_path / "tiny.onnx"
    onnx.save(tiny_model(), model_path)
    db = tmp_path / "qemu.jsonl"
    cmd = [etch_tune, str(model_path), "--target=aarch64-linux-gnu", "--mcpu=cortex-a76",
           "--runner=qemu-aarch64", f"--db={db}", "--trials=1", "--repeats=1", "--warmup=0",
           "--min-time-us=0"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, runner.describe(proc)
    assert "emulated" in proc.stdout
    records = read_db(db)
    assert len({r["key"] for r in records}) == 2
    assert all(r["timing_valid"] is False and r["runner"] == "qemu-aarch64" for r in records)
    assert all(r["status"] == "ok" for r in records[:2])
    # Emulated times never rank: the compiler applies none of them.
    out = tmp_path / "o"
    out.mkdir()
    proc = runner.compile_model(etch_compile, model_path, "tiny", out, runner.AARCH64_LINUX,
                                extra_flags=["--mcpu=cortex-a76", f"--tuning-db={db}"])
    assert proc.returncode == 0, runner.describe(proc)
    assert "tuning db: 0 of 2 layers tuned, 2 use heuristics" in proc.stderr, proc.stderr


def test_sigkill_then_resume_loses_and_repeats_nothing(etch_tune, tmp_path):
    import signal
    import time
    model_path = tmp_path / "tiny.onnx"
    onnx.save(tiny_model(), model_path)
    db = tmp_path / "k.jsonl"
    cmd = [etch_tune, str(model_path), f"--target={TRIPLE}", f"--mcpu={MCPU}", "--runner=local",
           f"--db={db}", "--seed=3", "--repeats=3", "--warmup=1", "--min-time-us=2000", "--trials=6"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and len(db.read_text().splitlines()) >= 3:
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # Simulate the worst case: the kill tore the line being written.
    with open(db, "a") as f:
        f.write('{"key": "w1-torn", "sched')
    before = [line for line in db.read_text().splitlines()[:-1]]
    assert len(before) >= 3
    proc = tune(etch_tune, model_path, db, "--trials=6", "--resume", "--seed=3")
    assert "unreadable record skipped" in proc.stderr
    lines = db.read_text().splitlines()
    assert lines[:len(before)] == before
    records = [json.loads(line) for line in lines[len(before) + 1:]]
    assert records and all(r["key"].startswith("w1-") for r in records)
    earlier = {(r["key"], json.dumps(r["schedule"], sort_keys=True)) for r in map(json.loads, before)}
    again = [r for r in records if (r["key"], json.dumps(r["schedule"], sort_keys=True)) in earlier
             and not r.get("remeasure")]
    # Only a baseline whose first measurement was lost may be measured again.
    assert not again, again


def read_db_text(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_strict_names_the_layer_without_a_record(etch_compile, tmp_path):
    model_path = tmp_path / "tiny.onnx"
    onnx.save(tiny_model(), model_path)
    db = tmp_path / "empty.jsonl"
    db.write_text("")
    out = tmp_path / "o"
    out.mkdir()
    proc = runner.compile_model(etch_compile, model_path, "tiny", out,
                                extra_flags=[f"--mcpu={MCPU}", f"--tuning-db={db}", "--tuning-db-strict"])
    assert proc.returncode != 0
    assert "has no record for this layer" in proc.stderr and "'fc'" in proc.stderr, proc.stderr
    assert not (out / "tiny.o").exists()
    proc = runner.compile_model(etch_compile, model_path, "tiny", out,
                                extra_flags=[f"--mcpu={MCPU}", f"--tuning-db={db}"])
    assert proc.returncode == 0, runner.describe(proc)
    assert "tuning db: 0 of 2 layers tuned, 2 use heuristics" in proc.stderr


def test_runner_specs():
    ssh = tune_runners.parse_runner("ssh://pi@board7:2222", "aarch64-linux-gnu")
    cmds = ssh.commands(Path("/tmp/b/bench"), ["1", "3"], "/tmp/b/out.bin")
    assert cmds[0][:1] == ["ssh"] and "-p" in cmds[0] and "2222" in cmds[0] and "pi@board7" in cmds[0]
    assert cmds[1][0] == "scp" and "-P" in cmds[1] and cmds[1][-1].startswith("pi@board7:")
    assert cmds[2][-1].endswith("/bench 1 3 " + cmds[2][-1].split()[-1]) and ssh.main_index() == 2
    assert cmds[3][-1] == "/tmp/b/out.bin" and ssh.cc == ["aarch64-linux-gnu-gcc"]
    plain = tune_runners.parse_runner("ssh://localhost", "x86_64-linux-gnu")
    assert "-p" not in plain.commands(Path("b"), [], "o")[0] and plain.user is None

    ex = tune_runners.parse_runner("exec:'srun -n1 {binary} {args}'", "x86_64-linux-gnu")
    (cmd,) = ex.commands(Path("/x/bench"), ["2", "5"], "/x/o.bin")
    assert cmd == ["/bin/sh", "-c", "srun -n1 /x/bench 2 5 /x/o.bin"]

    q = tune_runners.parse_runner("qemu-aarch64", "aarch64-linux-gnu")
    assert not q.timing_valid and q.commands(Path("e"), [], "o")[0][:1] == ["qemu-aarch64"]
    local = tune_runners.parse_runner("local:taskset=1", "x86_64-linux-gnu")
    assert local.commands(Path("e"), ["1"], "o") == [["taskset", "-c", "1", "e", "1", "o"]]

    ray = tune_runners.parse_runner("ray:address=10.0.0.5:6379,resource=rk3588,taskset=4",
                                    "aarch64-linux-gnu")
    assert (ray.address, ray.resource, ray.cpus, ray.cc) == ("10.0.0.5:6379", "rk3588", "4",
                                                            ["aarch64-linux-gnu-gcc"])
    farm = tune_runners.parse_runner("ssh://pi@b1?identity=/k/id,ssh://pi@b2:2200?config=/k/cfg",
                                     "aarch64-linux-gnu")
    assert farm.slots() == 2 and [d.host for d in farm.devices] == ["b1", "b2"]
    b1, b2 = (d.commands(Path("/x/bench"), [], "/x/o") for d in farm.devices)
    assert "-i" in b1[0] and "/k/id" in b1[0] and b2[0][:3] == ["ssh", "-F", "/k/cfg"]
    assert b1[2][-1].split()[0] != b2[2][-1].split()[0]  # a remote folder per device
    plain_ray = tune_runners.parse_runner("ray", "x86_64-linux-gnu")
    assert (plain_ray.address, plain_ray.resource, plain_ray.cpus) == ("auto", "etch_device", None)

    for bad, target in [("qemu-aarch64", "x86_64-linux-gnu"), ("ssh://", "x"), ("ssh://h:port", "x"),
                        ("exec:'run'", "x"), ("rpc://tracker", "x"), ("local:cpus=1", "x"),
                        ("ray:cluster", "x"), ("ray:device=3", "x"), ("rayx", "x"),
                        ("ssh://a,local", "x"), ("ssh://a,ssh://a", "x"), ("ssh://a?key=k", "x")]:
        with pytest.raises(tune_runners.RunnerError):
            tune_runners.parse_runner(bad, target)


def test_exec_runner_runs_a_shell_template(tmp_path):
    script = tmp_path / "fake.sh"
    script.write_text("#!/bin/sh\necho \"us 12.5\"\nprintf abcd > \"$4\"\n")
    script.chmod(0o755)
    ex = tune_runners.parse_runner("exec:'env FOO=1 {binary} {args}'", "x86_64-linux-gnu")
    out = tmp_path / "o.bin"
    proc = ex.run(script, ["1", "2", "3"], out, timeout=30)
    assert proc.returncode == 0 and "us 12.5" in proc.stdout and out.read_bytes() == b"abcd"


def tuner_python() -> str:
    """The Python build/bin/etch-tune runs (tools/etch-tune/etch-tune.in)."""
    env = os.environ.get("ETCH_TUNE_PYTHON")
    if env:
        return env
    venv = REPO / ".venv-tune" / "bin" / "python"
    return str(venv) if venv.exists() else "python3"


@pytest.fixture()
def ray_cluster():
    """A single-node Ray cluster on loopback, its node declaring two units of
    a custom device resource (a farm of two boards), stopped afterwards.
    scripts/setup.sh installs ray into .venv-tune; CI must not skip this."""
    import signal
    import socket
    import tempfile
    import time
    py = tuner_python()
    if subprocess.run([py, "-c", "import ray"], capture_output=True).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"{py} has no ray (scripts/setup.sh installs it into .venv-tune)")
        pytest.skip(f"{py} has no ray")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Ray's unix sockets live under --temp-dir: keep the path short.
    tmp = tempfile.mkdtemp(prefix="etr", dir="/tmp")
    ray_cli = str(Path(py).parent / "ray") if (Path(py).parent / "ray").exists() else "ray"
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    head = subprocess.Popen([ray_cli, "start", "--head", "--block", "--node-ip-address=127.0.0.1",
                             f"--port={port}", "--num-cpus=1", '--resources={"etch_test_board": 2}',
                             "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={tmp}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    address = f"127.0.0.1:{port}"
    probe = ("import ray, sys; ray.init(address=sys.argv[1], logging_level='ERROR'); "
             "print(int(ray.cluster_resources().get('etch_test_board', 0)))")
    try:
        deadline = time.monotonic() + 120
        while True:
            p = subprocess.run([py, "-c", probe, address], capture_output=True, text=True, env=env)
            if p.returncode == 0 and p.stdout.strip() == "2":
                break
            assert head.poll() is None, "ray start --head exited"
            assert time.monotonic() < deadline, f"the Ray cluster did not come up:\n{p.stderr[-2000:]}"
            time.sleep(1)
        yield address
    finally:
        # `ray start --block` does not always stop its processes on SIGTERM:
        # kill the whole session it leads (raylet, GCS, workers), nothing else.
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        subprocess.run(["pkill", "-KILL", "-s", str(head.pid)], capture_output=True)
        head.wait()
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)


def test_ray_runner_tunes_on_a_local_cluster(etch_compile, etch_tune, ray_cluster, tmp_path):
    model_path = tmp_path / "tiny.onnx"
    onnx.save(tiny_model(), model_path)
    db = tmp_path / "ray.jsonl"
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    spec = f"--runner=ray:address={ray_cluster},resource=etch_test_board"
    cmd = [etch_tune, str(model_path), f"--target={TRIPLE}", f"--mcpu={MCPU}", spec, f"--db={db}",
           "--seed=2", "--repeats=3", "--warmup=1", "--min-time-us=2000", "--trials=3"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, runner.describe(proc)
    assert f"runner ray:address={ray_cluster}" in proc.stdout
    records = read_db(db)
    assert {r["key"] for r in records} and all(r["runner"].startswith("ray:") for r in records)
    assert all(r["timing_valid"] for r in records)
    ok = [r for r in records if r["status"] == "ok"]
    # Baselines and at least one candidate per task measured on the cluster,
    # with the outputs checked against the baseline's (else wrong_result).
    assert len(ok) >= 3 and all(r["median_us"] > 0 for r in ok)
    assert not [r for r in records if r["status"] in ("run_error", "wrong_result")], records

    # The database applies like any other.
    out = tmp_path / "out"
    out.mkdir()
    proc = runner.compile_model(etch_compile, model_path, "tiny", out,
                                extra_flags=[f"--mcpu={MCPU}", f"--tuning-db={db}", "--tuning-db-strict"])
    assert proc.returncode == 0, runner.describe(proc)
    assert "tuning db: 2 of 2 layers tuned" in proc.stderr, proc.stderr

    # A cluster where no node declares the resource is a clear error, before any build.
    bad = [c if not c.startswith("--runner=") else c.replace("etch_test_board", "no_such_board")
           for c in cmd]
    bad[bad.index(f"--db={db}")] = f"--db={tmp_path / 'none.jsonl'}"
    proc = subprocess.run(bad, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 1 and "declares the resource 'no_such_board'" in proc.stderr, proc.stderr
    assert not (tmp_path / "none.jsonl").exists() or not read_db(tmp_path / "none.jsonl")


@pytest.fixture()
def sshd_farm():
    """Two OpenSSH servers on 127.0.0.1 (a farm of two "boards"), reached
    with a key and a known_hosts file of the test's own: ssh_config path,
    user and ports. scripts/setup.sh installs openssh-server; CI must not
    skip this."""
    import getpass
    import shutil
    import signal
    import socket
    import tempfile
    import time
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(sshd).exists() or not shutil.which("ssh-keygen"):
        if os.environ.get("CI"):
            pytest.fail("no sshd (scripts/setup.sh installs openssh-server)")
        pytest.skip("no sshd")
    d = Path(tempfile.mkdtemp(prefix="ets", dir="/tmp"))
    for key in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / key)], check=True)
    (d / "authorized_keys").write_text((d / "client_key.pub").read_text())
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", exist_ok=True)  # privilege separation dir
    user = getpass.getuser()
    ports, servers = [], []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    config = d / "ssh_config"
    config.write_text(f"Host 127.0.0.1\n  UserKnownHostsFile {d}/known_hosts\n"
                      f"  IdentityFile {d}/client_key\n  IdentitiesOnly yes\n")
    try:
        for port in ports:
            cfg = d / f"sshd_{port}"
            cfg.write_text(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n"
                           f"AuthorizedKeysFile {d}/authorized_keys\nPubkeyAuthentication yes\n"
                           "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
                           f"StrictModes no\nPermitRootLogin prohibit-password\nPidFile {d}/sshd_{port}.pid\n"
                           "Subsystem sftp internal-sftp\n")
            servers.append(subprocess.Popen([sshd, "-D", "-e", "-f", str(cfg)], stdout=subprocess.DEVNULL,
                                            stderr=subprocess.PIPE, start_new_session=True))
        for port, server in zip(ports, servers):
            deadline = time.monotonic() + 30
            while True:
                p = subprocess.run(["ssh", "-F", str(config), "-o", "BatchMode=yes", "-o",
                                    "StrictHostKeyChecking=accept-new", "-p", str(port),
                                    f"{user}@127.0.0.1", "true"], capture_output=True, text=True)
                if p.returncode == 0:
                    break
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, p.stderr
                time.sleep(0.3)
        yield str(config), user, ports
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        shutil.rmtree(d, ignore_errors=True)


def test_ssh_farm_tunes_on_two_hosts(etch_compile, etch_tune, sshd_farm, tmp_path):
    config, user, ports = sshd_farm
    model_path = tmp_path / "tiny.onnx"
    onnx.save(tiny_model(), model_path)
    db = tmp_path / "farm.jsonl"
    hosts = [f"ssh://{user}@127.0.0.1:{p}?config={config}" for p in ports]
    cmd = [etch_tune, str(model_path), f"--target={TRIPLE}", f"--mcpu={MCPU}", "--runner=" + ",".join(hosts),
           f"--db={db}", "--seed=4", "--repeats=3", "--warmup=1", "--min-time-us=2000", "--trials=4"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, runner.describe(proc)
    records = read_db(db)
    ok = [r for r in records if r["status"] == "ok"]
    assert len(ok) >= 4 and all(r["median_us"] > 0 for r in ok)
    assert not [r for r in records if r["status"] in ("run_error", "wrong_result")], records
    # Both hosts measured, and each record says which.
    assert {r.get("device") for r in ok} == set(hosts), {r.get("device") for r in ok}
    out = tmp_path / "out"
    out.mkdir()
    proc = runner.compile_model(etch_compile, model_path, "tiny", out,
                                extra_flags=[f"--mcpu={MCPU}", f"--tuning-db={db}", "--tuning-db-strict"])
    assert proc.returncode == 0, runner.describe(proc)
