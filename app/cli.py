"""The `jixiao` command. Each subcommand is a thin shell over a public API."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def _write_atomic(path: Path, lines: list[str]) -> None:
    """Write the whole output or nothing: an existing file is replaced only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_parse(args: argparse.Namespace) -> int:
    from corpus import BUNDLED_CORPUS, parse_files

    paths = [Path(p) for p in args.corpus] if args.corpus else [BUNDLED_CORPUS]
    result = parse_files(paths)
    for message in result.messages:
        print(f"提示：{message}", file=sys.stderr)
    if not result.records:
        print("错误：没有解析出任何申报表，未写出结果。", file=sys.stderr)
        return 1
    lines = [r.model_dump_json() for r in result.records]
    if args.out:
        _write_atomic(Path(args.out), lines)
    else:
        sys.stdout.write("\n".join(lines) + "\n")
    warned = sum(1 for r in result.records if r.warnings)
    print(f"已解析 {len(result.records)} 张申报表，其中 {warned} 张带有提示（见 warnings 字段）。", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jixiao", description="绩效助手：项目支出绩效目标申报表助手")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="把申报表文本解析为 JSON Lines（每张表一行）")
    p.add_argument("--corpus", action="append", metavar="FILE", help="申报表文本文件，可重复；默认用内置语料")
    p.add_argument("--out", metavar="FILE", help="输出文件；默认写到标准输出")
    p.set_defaults(func=cmd_parse)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
