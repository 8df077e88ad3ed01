"""The `jixiao` command. Each subcommand is a thin shell over a public API."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def _created_mode() -> int:
    """The mode open() would give a new file (0666 less the umask). mkstemp creates 0600, private
    to the user, which is wrong for an output other people and tools should read."""
    mask = os.umask(0o022)  # read it the only portable way, then put it back at once
    os.umask(mask)
    return 0o666 & ~mask


def _write_atomic(path: Path, lines: list[str]) -> None:
    """Write the whole output or nothing: an existing file is replaced only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _created_mode())
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


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", metavar="DIR", help="数据目录（模型与索引）；默认 $JIXIAO_HOME 或用户缓存目录")
    p.add_argument("--model", metavar="PATH", help="向量模型：e5-small（默认）、m3e-small 或本地 SentenceTransformer 目录")
    p.add_argument("--corpus", action="append", metavar="FILE", help="申报表文本文件，可重复；用这些文件而不是资料库")
    _backend_options(p)


def _backend_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=["faiss", "milvus"], help="检索后端：faiss（默认，本机文件）或 milvus；默认 $JIXIAO_BACKEND")
    p.add_argument("--milvus-uri", metavar="URI", help="Milvus 地址：本地 Milvus Lite 的 .db 路径，或 http://主机:19530；"
                   "默认 $JIXIAO_MILVUS_URI，否则数据目录下的 milvus.db")


def _open(args: argparse.Namespace, rebuild: bool | None = None):
    from index.backend_config import open_search_index

    return open_search_index(
        home=args.data_dir,
        model=args.model,
        corpus_files=[Path(p) for p in args.corpus] if args.corpus else None,
        rebuild=rebuild,
        backend=getattr(args, "backend", None),
        milvus_uri=getattr(args, "milvus_uri", None),
    )


def cmd_build(args: argparse.Namespace) -> int:
    import time

    start = time.perf_counter()
    index = _open(args, rebuild=True)
    m = index.manifest
    print(
        f"完成：{m['n_records']} 张申报表，{m['n_chunks']} 个片段，模型 {m['model_id']}（{m['dim']} 维），"
        f"用时 {time.perf_counter() - start:.1f} 秒。",
        file=sys.stderr,
    )
    return 0


def _queries(args: argparse.Namespace) -> list[str]:
    if args.batch:
        try:
            text = Path(args.batch).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SystemExit(f"错误：无法读取 {args.batch}（{exc}）。请提供 UTF-8 文本文件，每行一个查询。") from None
        return [line.strip() for line in text.splitlines() if line.strip()]
    if not args.query:
        raise SystemExit("错误：请给出查询内容，或用 --batch FILE 提供每行一个查询的文件。") from None
    return [args.query]


def cmd_search(args: argparse.Namespace) -> int:
    import time

    from index.filters import AmountError, Filters, check_amount
    from index.search import SearchError

    try:
        args.min_amount = check_amount(args.min_amount, "--min-amount")
        args.max_amount = check_amount(args.max_amount, "--max-amount")
    except AmountError as exc:
        raise SystemExit(f"错误：{exc}") from None
    if args.min_amount is not None and args.max_amount is not None and args.min_amount > args.max_amount:
        raise SystemExit(f"错误：--min-amount {args.min_amount:,.0f} 大于 --max-amount {args.max_amount:,.0f}。请检查金额范围。")
    if not 1 <= args.k <= 1000:
        raise SystemExit(f"错误：--k {args.k} 应在 1 到 1000 之间。")
    queries = _queries(args)  # bad input is said before the index and the model are loaded
    index = _open(args)
    filters = Filters(
        section=args.section,
        department=args.department,
        project_type=args.project_type,
        category=args.category,
        min_amount=args.min_amount,
        max_amount=args.max_amount,
        year=args.year,
    )
    status = 0
    for query in queries:
        start = time.perf_counter()
        try:
            hits = index.search(query, k=args.k, mode=args.mode, filters=filters)
        except SearchError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            status = 2
            continue
        took = (time.perf_counter() - start) * 1000
        if args.json:
            print(json.dumps({"query": query, "took_ms": round(took, 2), "results": [h.to_json() for h in hits]}, ensure_ascii=False))
            continue
        print(f"查询：{query}（{took:.0f} 毫秒）")
        if not hits:
            print("  没有符合条件的项目。")
        for rank, h in enumerate(hits, 1):
            print(f"  {rank}. {h.name}｜{h.code}｜匹配字段：{h.field}｜得分 {h.score:.4f}\n     {h.snippet}")
    return status


def _answerer(args: argparse.Namespace):
    from app.answer import Answerer
    from app.llm import client_from_env

    return Answerer(_open(args), llm=client_from_env())


def cmd_ask(args: argparse.Namespace) -> int:
    from app.answer import Conversation

    questions = _queries(args)  # bad input is said before the index and the model are loaded
    answerer = _answerer(args)
    state = Conversation()
    for question in questions:
        answer, new_state = answerer.ask(question, state)
        if args.conversation:
            state = new_state
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            print(f"问：{question}\n答：{answer.answer}\n")
    return 0


def _read_draft(args: argparse.Namespace):
    from app.drafting import DraftError, parse_draft

    source = args.file or "标准输入"
    try:
        raw = Path(args.file).read_text(encoding="utf-8") if args.file else sys.stdin.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"错误：无法读取草稿 {source}（{exc}）。请提供 UTF-8 编码的 JSON 文件。") from None
    if not raw.strip():
        raise SystemExit(f"错误：草稿 {source} 为空。需要 JSON，例如 {{\"description\": \"采购检测设备\"}}。") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"错误：草稿 {source} 不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）。") from None
    try:
        return parse_draft(data)
    except DraftError as exc:
        raise SystemExit(f"错误：{source}：{exc}") from None


def _check_output(value: str | None, option: str) -> Path | None:
    """An output path that can be written, checked before anything is computed or written."""
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_dir():
        raise SystemExit(f"错误：{option} {value} 是一个目录。请给出文件名，例如 {option} 指标表{path.suffix or ''}。")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise SystemExit(f"错误：{option} {value} 所在的目录 {parent} 不存在。请先创建该目录或换一个路径。")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise SystemExit(f"错误：{option} {value} 不可写（没有权限）。请换一个可写的路径。")
    return path


def _export_atomic(path: Path, write) -> None:
    """write(tmp_path) then rename: an existing file is replaced only by a complete one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.fchmod(fd, _created_mode())
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_suggest(args: argparse.Namespace) -> int:
    from app.drafting import ORIGIN_ZH, about_lines, suggest, table_rows, to_csv, to_xlsx

    xlsx, csv_path = _check_output(args.xlsx, "--xlsx"), _check_output(args.csv, "--csv")
    if xlsx and csv_path and xlsx.resolve() == csv_path.resolve():
        raise SystemExit("错误：--xlsx 与 --csv 指向同一个文件。请分别给出两个文件名。")
    draft = _read_draft(args)
    index = _open(args)
    result = suggest(index, draft)
    names = {r.code: r.name for r in index.records}
    rows = table_rows(result.indicators, names)
    try:
        if xlsx:
            _export_atomic(xlsx, lambda tmp: to_xlsx(rows, tmp, about=about_lines(result)))
            print(f"已导出 {args.xlsx}", file=sys.stderr)
        if csv_path:
            _export_atomic(csv_path, lambda tmp: tmp.write_text(to_csv(rows), encoding="utf-8-sig"))
            print(f"已导出 {args.csv}", file=sys.stderr)
    except OSError as exc:
        raise SystemExit(f"错误：导出失败（{exc.strerror or exc}）。请检查磁盘空间和路径。") from None
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return 0
    print(result.precedent_note() + "。")
    print("\n相似的往年项目：" if result.precedent != "none" else "\n最接近的往年项目（都不相近，没有采用它们的指标）：")
    for s in result.similar:
        print(f"  {s['name']}｜{s['code']}｜{s['why']}")
    print("\n建议的绩效指标（一级｜二级｜三级｜指标值｜来源）：")
    for row, ind in zip(rows, result.indicators):
        support = f"，{ind.support} 个往年项目使用" if ind.support else ""
        print(f"  {row[0]}｜{row[1]}｜{row[2]}｜{row[3]}｜{ORIGIN_ZH[ind.origin]}{support}")
    print("\n草稿检查：" + ("未发现问题。" if not result.checks else ""))
    for c in result.checks:
        print(f"  - {c.message}")
    return 0


def _year_counts(years: list[int], per_year: dict[int, int]) -> str:
    return "，".join(f"{y} 年度 {per_year.get(y, 0)} 张" for y in years) or "没有年度"


def _check_year(year: int | None) -> None:
    if year is not None and not 1990 <= year <= 2100:
        raise SystemExit(f"错误：--year {year} 不是合理的年度。请写四位数的年份，例如 --year 2022。")


def _update_errors():
    """A library update that fails on the disk (full, no permission) is one line: it changed nothing."""
    import contextlib

    @contextlib.contextmanager
    def guard():
        try:
            yield
        except OSError as exc:
            raise SystemExit(f"错误：写入数据目录失败（{exc.strerror or exc}），资料库和索引都没有改变。"
                             "请检查磁盘空间和权限后重试。") from None

    return guard()


def cmd_add(args: argparse.Namespace) -> int:
    from collections import Counter

    from index.library import add_files

    _check_year(args.year)
    with _update_errors():
        result = add_files(args.data_dir, [Path(p) for p in args.files], year=args.year, replace=args.replace, model=args.model)
    for message in result.messages:
        print(f"提示：{message}", file=sys.stderr)
    added = Counter(r.year for r in result.added)
    replaced = f"，其中 {len(result.replaced)} 张替换了同编号的旧表" if result.replaced else ""
    print(f"已加入 {len(result.added)} 张申报表（{_year_counts(sorted(added), added)}）{replaced}。"
          f"资料库现有 {result.forms} 张（年度：{'、'.join(map(str, result.years))}）；"
          f"新嵌入 {result.embedded} 个片段，用时 {result.seconds:.1f} 秒。")
    return _sync_backend(args)


def cmd_remove(args: argparse.Namespace) -> int:
    from index.library import remove_codes

    with _update_errors():
        result = remove_codes(args.data_dir, args.codes, model=args.model)
    names = "、".join(f"{e.name}（{e.code}）" for e in result.removed)
    print(f"已删除 {len(result.removed)} 张申报表：{names}。资料库现有 {result.forms} 张"
          f"（年度：{'、'.join(map(str, result.years))}），用时 {result.seconds:.1f} 秒。")
    return _sync_backend(args)


def _sync_backend(args: argparse.Namespace) -> int:
    """With --backend milvus (or JIXIAO_BACKEND), write the updated library to Milvus now rather
    than on the next search (the collection follows the library's fingerprint either way)."""
    from index.backend_config import resolve

    if resolve(args.backend, args.milvus_uri, args.data_dir)[0] == "faiss":
        return 0
    args.corpus = None
    _open(args)
    print("Milvus 集合已与资料库同步。")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from collections import Counter

    from corpus import format_amount
    from index.library import list_library

    _check_year(args.year)
    entries, years = list_library(args.data_dir, args.year)
    if args.json:
        for e in entries:
            print(json.dumps(e.to_json(), ensure_ascii=False))
        return 0
    if args.year is not None and not entries:
        print(f"资料库中没有 {args.year} 年度的申报表（现有年度：{'、'.join(map(str, years)) or '无'}）。", file=sys.stderr)
        return 0
    per_year = Counter(e.year for e in entries)
    print(f"资料库：{len(entries)} 张申报表（{_year_counts(sorted(per_year), per_year)}）")
    print("年度\t项目编号\t项目名称\t科室\t金额\t来源文件\t加入时间")
    for e in entries:
        print("\t".join([str(e.year or "—"), e.code, e.name, e.section or "—", format_amount(e.amount_yuan) or "—",
                         e.source_file, e.added_at]))
    return 0


def cmd_checks(args: argparse.Namespace) -> int:
    from app.drafting import RULE_NAMES_ZH, corpus_report
    from index.library import current_records
    from index.store import load_records

    records = load_records([Path(p) for p in args.corpus]) if args.corpus else current_records(args.data_dir)
    report = corpus_report(records)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"检查了 {report['forms_checked']} 张申报表，{report['forms_with_findings']} 张有问题。按规则统计：")
        for rule, n in sorted(report["per_rule"].items(), key=lambda kv: -kv[1]):
            print(f"  {RULE_NAMES_ZH.get(rule, rule)}：{n}")
        for form in report["forms"]:
            print(f"\n{form['name']}（{form['code']}）")
            for f in form["findings"]:
                print(f"  - {f['message']}")
    if args.out:
        _write_atomic(Path(args.out), [json.dumps(report, ensure_ascii=False, indent=1)])
        print(f"结果已写入 {args.out}", file=sys.stderr)
    return 0


def port_problem(host: str, port: int) -> str | None:
    """Why the page cannot listen on host:port (busy, not allowed), or None."""
    import errno
    import socket

    if not 1 <= port <= 65535:
        return f"端口 {port} 不在 1–65535 之间。请换一个端口，例如 --port 7861。"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"无法解析监听地址 {host}（{exc.strerror}）。请检查 --host，例如 --host 127.0.0.1。"
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"端口 {port} 已被占用（{host}）。请换一个端口，例如 --port {port + 1 if port < 65535 else 7861}，或先关闭占用它的程序。"
            return f"无法在 {host}:{port} 上监听（{exc.strerror}）。请换一个端口或地址。"
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    from app.web import serve

    problem = port_problem(args.host, args.port)
    if problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 2
    print(f"正在启动绩效助手，准备好后在 http://{args.host}:{args.port} 提供页面"
          "（首次使用要转换模型、构建索引，约 1–2 分钟）……", file=sys.stderr)
    try:
        serve(host=args.host, port=args.port, home=args.data_dir, model=args.model,
              backend=args.backend, milvus_uri=args.milvus_uri)
    except OSError as exc:  # the port was taken between the check and the launch
        print(f"错误：无法在 {args.host}:{args.port} 上启动页面（{exc}）。请换一个端口，例如 --port {args.port + 1}。", file=sys.stderr)
        return 2
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from index.backend_config import doctor_lines
    from index.store import doctor

    corpus = [Path(p) for p in args.corpus] if args.corpus else None
    lines = doctor(home=args.data_dir, model=args.model, corpus_files=corpus)
    lines += doctor_lines(args.data_dir, args.model, corpus, args.backend, args.milvus_uri)
    for ok, line in lines:
        print(("正常  " if ok else "问题  ") + line)
    bad = sum(1 for ok, _ in lines if not ok)
    print("检查完毕：一切正常。" if not bad else f"检查完毕：{bad} 项有问题。运行 jixiao build 可重建索引。")
    return 0 if not bad else 1


def _library_commands(sub) -> None:
    """add, list, remove: the library of declarations in the data directory."""
    p = sub.add_parser("add", help="把申报表文件加入资料库（只嵌入新片段，索引随之更新）")
    p.add_argument("files", nargs="+", metavar="FILE", help="申报表文件：.txt（文本导出）；.pdf、.docx、.xlsx 需安装相应读取模块")
    p.add_argument("--year", type=int, help="年度：用于表上没有写明年度的申报表（写明的须与之相同）")
    p.add_argument("--replace", action="store_true", help="项目编号已在资料库中时，用新表替换旧表")
    p.add_argument("--data-dir", metavar="DIR", help="数据目录（资料库与索引）；默认 $JIXIAO_HOME 或用户缓存目录")
    p.add_argument("--model", metavar="PATH", help="向量模型（同其他命令）")
    _backend_options(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help="列出资料库中的申报表")
    p.add_argument("--year", type=int, help="只列这一年度的申报表")
    p.add_argument("--json", action="store_true", help="每张表输出一行 JSON")
    p.add_argument("--data-dir", metavar="DIR", help="数据目录；默认 $JIXIAO_HOME 或用户缓存目录")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("remove", help="从资料库删除申报表（按项目编号），索引随之更新")
    p.add_argument("codes", nargs="+", metavar="CODE", help="项目编号，可给多个")
    p.add_argument("--data-dir", metavar="DIR", help="数据目录；默认 $JIXIAO_HOME 或用户缓存目录")
    p.add_argument("--model", metavar="PATH", help="向量模型（同其他命令）")
    _backend_options(p)
    p.set_defaults(func=cmd_remove)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao",
        description="绩效助手：项目支出绩效目标申报表助手",
        epilog="模型与索引放在数据目录：各子命令的 --data-dir DIR，或环境变量 JIXIAO_HOME（默认用户缓存目录）。"
        "页面和命令行要用同一个数据目录，否则会再构建一次索引。",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="把申报表文本解析为 JSON Lines（每张表一行）")
    p.add_argument("--corpus", action="append", metavar="FILE", help="申报表文本文件，可重复；默认用内置语料")
    p.add_argument("--out", metavar="FILE", help="输出文件；默认写到标准输出")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("build", help="用资料库（或 --corpus 给出的文件）构建检索索引（写入数据目录）")
    _common(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("search", help="检索项目（BM25 + 向量混合）")
    _common(p)
    p.add_argument("query", nargs="?", help="查询内容")
    p.add_argument("--batch", metavar="FILE", help="每行一个查询的文件")
    p.add_argument("--k", type=int, default=10, help="返回项目数（默认 10）")
    p.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid")
    p.add_argument("--section", help="科室")
    p.add_argument("--department", help="主管部门或实施单位（包含即可）")
    p.add_argument("--project-type", help="项目类型")
    p.add_argument("--category", help="项目分类")
    p.add_argument("--min-amount", help="最低金额（元）")
    p.add_argument("--max-amount", help="最高金额（元）")
    p.add_argument("--year", type=int, help="申报年度（如 2021）")
    p.add_argument("--json", action="store_true", help="每个查询输出一行 JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="问答：依据申报表回答，数字照表、逐条注明出处")
    _common(p)
    p.add_argument("query", nargs="?", metavar="QUESTION", help="问题")
    p.add_argument("--batch", metavar="FILE", help="每行一个问题的文件")
    p.add_argument("--conversation", action="store_true", help="--batch 的各行作为同一段对话（追问可指代上文）")
    p.add_argument("--json", action="store_true", help="每个问题输出一行 JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("suggest", help="起草帮助：依据相似往年项目建议绩效指标，并检查草稿")
    _common(p)
    p.add_argument("--file", metavar="DRAFT.json", help="草稿 JSON；省略时从标准输入读取")
    p.add_argument("--json", action="store_true", help="输出 JSON（similar、indicators、checks）")
    p.add_argument("--xlsx", metavar="OUT", help="把建议的指标表导出为 XLSX")
    p.add_argument("--csv", metavar="OUT", help="把建议的指标表导出为 CSV")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("checks", help="用起草检查规则检查资料库中的全部申报表")
    p.add_argument("--out", metavar="FILE", help="把检查报告（JSON）写入文件")
    p.add_argument("--corpus", action="append", metavar="FILE", help="检查这些文件，而不是资料库")
    p.add_argument("--data-dir", metavar="DIR", help="数据目录（资料库所在）；默认 $JIXIAO_HOME 或用户缓存目录")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_checks)

    _library_commands(sub)

    p = sub.add_parser("serve", help="启动网页（问答、找可比项目、起草指标、总览、审核）")
    p.add_argument("--data-dir", metavar="DIR")
    p.add_argument("--model", metavar="PATH")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认只在本机 127.0.0.1）")
    p.add_argument("--port", type=int, default=7860)
    _backend_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("doctor", help="全面检查数据目录：索引文件的大小与 sha256、形状、语料、模型、临时文件")
    _common(p)
    p.set_defaults(func=cmd_doctor)

    for register in _plugins():
        register(sub)  # eval's commands (eval, bench, loadtest, verify-model): eval imports app, not back
    return parser


def _plugins():
    """Subcommands other packages add through the "jixiao.commands" entry points; in a source tree
    without installed metadata, eval's own."""
    from importlib import import_module
    from importlib.metadata import entry_points

    found = [ep.load() for ep in entry_points(group="jixiao.commands")]
    if not found:
        try:
            found = [import_module("eval.commands").register]
        except ImportError:
            pass
    return found


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from corpus.library import LibraryError
    from embeddings.model import SettingError
    from index.store import IndexUnavailable

    try:
        return args.func(args)
    except (IndexUnavailable, SettingError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except LibraryError as exc:  # a change refused: nothing was changed
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
