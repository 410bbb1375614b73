"""Fetch datasets into the data home, from upstream URLs or a local mirror (``data_fetch.py``).

Every file is written to a temporary ``.<name>.partial-XXXX`` in its final folder,
verified (``store.verify_file``), flushed to disk, its sha256 recorded in
``<dest>/SHA256SUMS`` (rewritten atomically, under a lock), and only then renamed into
place with ``os.replace`` (``transfer.finalize``); on a mismatch, an error, a full disk or
Ctrl-C the temporary file is deleted and SHA256SUMS stays whole.  A transfer killed
outright can leave one behind: it is never read, and the next fetch of that dataset
removes it (``transfer.remove_stale_partials``) and says so.  Files already present and
verified are skipped.  The data home is thus itself laid out like a mirror.

Upstream CIFAR-10/100 and STL-10 are tar.gz archives: the archive's md5 is
checked, then only the needed regular-file members are streamed out under our
own file names (no path from the archive is ever written to disk).
"""
import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .formats import DataError
from .registry import REGISTRY, DatasetSpec, get_spec, split_states
from .store import SUMS_FILE, DestinationError, data_home, mirror_from_env, read_sums
from .transfer import (BIG, NetworkError, check_archive, check_present, extract, from_network,
                       install, prepare_dest, remove_stale_partials)

OK = ("present", "copied", "downloaded", "extracted")


@dataclass
class FetchReport:
    """What ``fetch`` did for one dataset: {file name: (status, detail)}."""
    spec: DatasetSpec
    dest: Path
    results: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    log: object = field(default=print, repr=False)   # where each file's line goes

    def ok(self, fs):
        return self.results.get(fs.name, ("",))[0] in OK

    def note(self, fs, status, detail):
        self.results[fs.name] = (status, detail)
        self.log(f"  {fs.name:<28} {detail}")

    def fail(self, fs, err):
        self.errors.append(err)
        self.note(fs, "error", f"FAILED: {err}")

    def fail_archive(self, name, err):
        self.errors.append(err)
        self.log(f"  {name:<28} FAILED: {err}")

    def split_state(self):
        """{split: "complete" | "partial" | "missing"} by the files this fetch obtained."""
        return split_states(self.spec, self.ok)

    def summary(self):
        """(state, one-line description): state is complete, partial, absent or error."""
        states = self.split_state()
        parts = []
        for split, st in states.items():
            files = self.spec.split_files(split)
            if st == "complete":
                parts.append(f"{split} complete")
            elif st == "missing":
                parts.append(f"{split} missing ({', '.join(f.name for f in files)})")
            else:
                got = sum(self.ok(f) for f in files)
                lacking = ", ".join(f.name for f in files if not self.ok(f))
                hint = ", loadable with allow_partial=True" if self.spec.fmt == "cifar" else ""
                parts.append(f"{split} has {got} of {len(files)} files (lacks {lacking}){hint}")
        if self.errors:
            state = "error"
        elif all(s == "complete" for s in states.values()):
            state = "complete"
        elif any(s == "complete" for s in states.values()):
            state = "partial"
        else:
            state = "absent"
        return state, "; ".join(parts)


# --------------------------------------------------------------------------- sources

def _from_mirror(ds, todo, mirror, dest, report):
    """Copy ``todo`` from ``<mirror>/<folder>/`` (or its upstream archive); a file the
    mirror lacks is reported ABSENT, never downloaded."""
    src_dir, sums = mirror / ds.folder, read_sums(mirror)
    hint = (f"the mirror's copy is damaged or is not this file; nothing was written to "
            f"{dest / ds.folder}. Check the mirror (sha256sum -c {SUMS_FILE} in {mirror}) or "
            f"fetch without --mirror")
    archive = src_dir / ds.archive.name if ds.archive else None
    has_archive = archive is not None and archive.is_file()
    absent = []
    for fs in todo:
        src = src_dir / fs.name
        if not src.is_file():
            absent.append(fs)
            if not has_archive:
                report.note(fs, "absent", f"ABSENT from mirror {src_dir} (not obtained)")
            continue
        try:
            with open(src, "rb") as f:
                size = src.stat().st_size
                how = install(ds, fs, f, size, dest, sums=sums, shown=str(src), hint=hint,
                              label=f"copying {fs.name}", show=size >= BIG)
            report.note(fs, "copied", f"copied from mirror, {how}")
        except DataError as e:
            report.fail(fs, e)
    if absent and has_archive:
        try:
            check_archive(archive, ds.archive.md5, str(archive), hint)
            absent = extract(ds, archive, absent, dest, str(archive), report)
        except DataError as e:
            report.fail_archive(ds.archive.name, e)
        for fs in absent:
            report.note(fs, "absent", f"ABSENT from mirror {src_dir} and its archive")
    known = {fs.name for fs in ds.files}
    extra = sorted(p.name for p in src_dir.glob("*") if p.is_file() and p.name not in known
                   and not (ds.archive and p.name == ds.archive.name)) if src_dir.is_dir() else []
    if extra:
        report.log(f"  (ignored in mirror: {', '.join(extra)}: not a canonical file minifa reads)")


# --------------------------------------------------------------------------- API and CLI

def _remove_if_empty(folder):
    """Leave no empty folder for a dataset not obtained."""
    try:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    except OSError:
        pass


def fetch(name, dest=None, mirror=None, *, timeout=15.0, log=print):
    """Fetch one dataset into ``dest`` (default: the data home); return a ``FetchReport``.

    mirror: copy from ``<mirror>/<folder>/`` instead of downloading (default:
    ``$MINIFA_MIRROR`` if set); files absent from the mirror are reported as
    absent, never downloaded or faked.  timeout: seconds per network request.
    Raises DestinationError when ``dest`` cannot be written, NetworkError at once
    when no URL is reachable, and the first ``DataError`` after all files were
    tried when any file failed to verify (the report is attached as ``err.report``).
    """
    ds = get_spec(name)
    dest = Path(dest).expanduser() if dest is not None else data_home()
    mirror = Path(mirror).expanduser() if mirror is not None else mirror_from_env()
    folder = dest / ds.folder
    report, todo = FetchReport(ds, dest, log=log), []
    try:
        prepare_dest(dest, ds.folder)
        log(f"{ds.key} ({ds.title}) -> {folder}")
        for stale in remove_stale_partials(folder) + remove_stale_partials(dest):
            log(f"  removed {stale}: a stale partial file left by an interrupted or killed fetch")
        sums = read_sums(dest)
        for fs in ds.files:
            path = folder / fs.name
            if path.is_file():
                try:
                    report.note(fs, "present", check_present(ds, fs, path, sums, mirror, dest))
                    continue
                except DataError as e:
                    log(f"  {fs.name:<28} present but does not verify, replacing it: {e}")
            todo.append(fs)
        if todo and mirror is not None:
            _from_mirror(ds, todo, mirror, dest, report)
        elif todo:
            from_network(ds, todo, dest, report, timeout)
    finally:
        _remove_if_empty(folder)
    state, text = report.summary()
    log(f"  => {state}: {text}")
    if report.errors:
        err = report.errors[0]
        err.report = report
        raise err
    return report


def _parser():
    p = argparse.ArgumentParser(
        prog="data_fetch.py",
        description="Fetch and verify the datasets of Cheon, Lee & Paik (NeurIPS 2024). "
                    "Exit status: 0 when every requested dataset has at least one complete split "
                    "and nothing failed verification; 1 otherwise (absent dataset, checksum "
                    "failure, no network, destination not writable); 2 on bad arguments; "
                    "130 when interrupted (Ctrl-C).")
    p.add_argument("datasets", nargs="+", metavar="DATASET",
                   help=f"any of: {', '.join(REGISTRY)}, or all")
    p.add_argument("--dest", metavar="DIR", default=None,
                   help="data home (default: $MINIFA_DATA, else ~/.minifa/data)")
    p.add_argument("--mirror", metavar="DIR", default=None,
                   help="copy from a local folder laid out like ../shared/datasets/ instead of "
                        "downloading (default: $MINIFA_MIRROR if set)")
    p.add_argument("--timeout", type=float, default=15.0, metavar="S",
                   help="network timeout in seconds (default 15)")
    return p


def main(argv=None):
    """Command line of data_fetch.py; returns the exit status.  Errors it expects (no
    network, destination not writable, Ctrl-C) end in one line on stderr, no traceback."""
    parser = _parser()
    args = parser.parse_args(argv)
    names = []
    for n in args.datasets:
        try:
            names += list(REGISTRY) if n.lower() == "all" else [get_spec(n).key]
        except ValueError as e:
            parser.error(str(e))
    names = list(dict.fromkeys(names))
    dest = Path(args.dest).expanduser() if args.dest else data_home()
    mirror = Path(args.mirror).expanduser() if args.mirror else mirror_from_env()
    if mirror is not None and not mirror.is_dir():
        parser.error(f"mirror folder {mirror} does not exist")
    print(f"destination: {dest}\nsource: " + (f"local mirror {mirror}" if mirror else
                                              "upstream URLs (use --mirror DIR when offline)"))
    reports = {}
    try:
        for n in names:
            try:
                reports[n] = fetch(n, dest, mirror, timeout=args.timeout)
            except (NetworkError, DestinationError) as e:
                print(f"error: {e}", file=sys.stderr)
                return 1
            except DataError as e:
                reports[n] = e.report
            except OSError as e:       # e.g. disk full: say it in one line
                print(f"error: fetching {n} into {dest}: {e}", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        sys.stdout.flush()
        print("interrupted: no partial file left behind; files already verified are kept, "
              "run the same command again to fetch the rest", file=sys.stderr)
        return 130
    print(f"\nsummary ({dest}):")
    bad = []
    for n, rep in reports.items():
        state, text = rep.summary()
        print(f"  {n:<14} {state:<9} {text}")
        if state in ("absent", "error"):
            bad.append(n)
    if bad:
        print(f"exit status 1: {', '.join(bad)}: no complete split obtained or a file failed "
              f"verification (see above)")
    return 1 if bad else 0
