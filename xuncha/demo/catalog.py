"""The disclosure columns (栏目) of the demo portal, as data.

Each :class:`~xuncha.demo.model.ColumnSpec` is one entry: its name, list style (列表/分页
style), titles (newest first) and how old its items are relative to :data:`DEMO_AS_OF`.
Everything else — article URLs, dates, list pages — is derived, deterministically. A stale or
blank column is planted by data alone (``newest_age_days=400``, ``titles=()``).

Freshness on DEMO_AS_OF (windows from ``shared/docs/standards.md``; kinds from the column
names, ``checks/data/column_kinds.yaml``): the issue-2 columns are fresh — 工作动态 within 14
days, 通知公告/政策文件/政策解读 within 183, the maintained ones within a year, 机构职能 and the
公开指南 static. The issue-3 columns are the planted 栏目不更新 cases: 县区动态 (动态, 40 days),
公示公告 (通知公告, 200 days), 统计信息 (maintained, 400 days), 规划计划 (maintained, 350 days:
about to go stale), 权责清单 (documents with no date anywhere) and 政府采购 (blank: 暂无信息).
Issue 11's single-page columns: 领导信息 and 行政事业性收费 carry content on their own page (not
blank), 专项资金 carries nothing but the page's chrome and title (blank); its 办事指南 (maintained,
30 days: fresh) holds the two guides of :mod:`xuncha.demo.guides`.
"""

from __future__ import annotations

from xuncha.demo.model import DEMO_AS_OF, LIST_STYLES, Article, ColumnSpec, articles_of

__all__ = [
    "COLUMNS",
    "DEMO_AS_OF",
    "LIST_STYLES",
    "Article",
    "ColumnSpec",
    "article",
    "articles_of",
    "column",
    "list_page_paths",
]

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        key="xxgkzn",
        name="政府信息公开指南",
        channel_id=2301,
        list_style="plain",
        newest_age_days=120,
        menu_group="",
        titles=("辽源市交通运输局政府信息公开指南",),
    ),
    ColumnSpec(
        key="jgzn",
        name="机构职能",
        channel_id=2302,
        list_style="plain",
        newest_age_days=500,  # static (机构职能): old items are no finding
        gaps_days=(60,),
        unit="人事科",
        titles=(
            "辽源市交通运输局内设机构及职能",
            "辽源市交通运输局领导信息",
            "辽源市交通运输局主要职责",
        ),
    ),
    ColumnSpec(
        key="zcwj",
        name="政策文件",
        channel_id=2303,
        list_style="trs_script",
        per_page=6,
        newest_age_days=9,
        gaps_days=(9, 12, 7, 15),
        metadata_table=True,
        unit="法制科",
        titles=(
            "辽源市交通运输局关于印发《2026年政务公开工作要点》的通知",
            "辽源市交通运输局关于进一步规范农村公路养护管理的通知",
            "辽源市交通运输局关于印发《道路运输行政执法公示办法》的通知",
            "关于做好2026年冬季道路运输安全生产工作的通知",
            "辽源市交通运输局关于公布行政许可事项清单的通知",
            "辽源市网络预约出租汽车经营服务管理实施细则",
            "辽源市交通运输局权力清单和责任清单（2026年调整）",
            "关于推进“四好农村路”高质量发展的实施意见",
            "辽源市城市公共交通发展规划（2026—2030年）",
            "辽源市交通运输局行政审批中介服务事项清单",
            "关于加强道路货物运输源头治理超限超载的通知",
            "辽源市交通运输综合行政执法裁量基准",
            "关于印发《交通运输领域信用信息管理办法》的通知",
            "辽源市客运出租汽车管理办法实施细则",
            "关于进一步加强公路水路工程质量安全监管的意见",
            "辽源市交通运输局关于规范行政执法全过程记录的通知",
        ),
    ),
    ColumnSpec(
        key="zcjd",
        name="政策解读",
        channel_id=2304,
        list_style="query",
        per_page=5,
        newest_age_days=12,
        gaps_days=(10, 14, 9),
        unit="法制科",
        titles=(
            "《2026年政务公开工作要点》政策解读",
            "图解：辽源市网络预约出租汽车经营服务管理实施细则",
            "《道路运输行政执法公示办法》解读",
            "一图读懂“四好农村路”高质量发展实施意见",
            "《辽源市城市公共交通发展规划（2026—2030年）》解读",
            "《2026年部门预算》公开情况说明",
            "《交通运输领域信用信息管理办法》政策解读",
            "辽源市交通运输局权力清单和责任清单调整说明",
            "《客运出租汽车管理办法实施细则》问答",
            "《公路水路工程质量安全监管意见》解读",
            "《行政执法全过程记录规定》解读",
            "《道路货物运输源头治理超限超载》政策问答",
        ),
    ),
    ColumnSpec(
        key="tzgg",
        name="通知公告",
        channel_id=2305,
        list_style="count_page",
        per_page=5,
        newest_age_days=3,
        gaps_days=(4, 6, 3, 8, 5),
        metadata_table=True,
        titles=(
            "关于2027年元旦期间道路运输安全管理的通告",
            "关于开展2026年度道路运输企业质量信誉考核工作的通知",
            "关于东丰至辽源公路部分路段封闭施工的通告",
            "辽源市交通运输局2026年公开招聘事业单位工作人员拟聘用人员公示",
            "关于开展交通运输行业安全生产大检查的通知",
            "关于调整部分城市公交线路的公告",
            "关于征求《辽源市出租汽车运价调整方案（征求意见稿）》意见的公告",
            "关于公布2026年度公路养护工程招标结果的公告",
            "关于开展道路运输驾驶员诚信考核的通知",
            "辽源市交通运输局关于行政执法人员资格清理情况的公示",
            "关于开展交通运输领域“打非治违”专项行动的通知",
            "关于公开征集交通运输行业营商环境问题线索的公告",
            "关于做好秋季公路安全保障工作的通知",
            "关于农村客运班线调整的公告",
        ),
    ),
    ColumnSpec(
        key="gzdt",
        name="工作动态",
        channel_id=2306,
        list_style="path_pager",
        per_page=6,
        newest_age_days=2,
        gaps_days=(1, 2, 1, 3),
        url_style="shtml",
        titles=(
            "市交通运输局召开2026年冬季运输安全生产工作会议",
            "市交通运输局开展道路运输市场专项检查",
            "辽源市完成2026年度农村公路建设任务",
            "市交通运输局开展政务公开专题培训",
            "辽源城区新开通两条公交线路",
            "市交通运输局深入推进“四好农村路”示范创建",
            "市交通运输局组织开展网约车平台联合约谈",
            "市交通运输局召开党风廉政建设工作会议",
            "辽源市公交智能调度系统投入使用",
            "市交通运输局开展冬季公路除雪保通应急演练",
            "市交通运输局赴东丰县调研农村客运发展情况",
            "市交通运输综合行政执法支队开展治超联合执法",
            "市交通运输局召开“回头看”工作推进会",
            "辽源市公路养护中心完成桥梁定期检查",
            "市交通运输局开展“12328”服务热线业务培训",
        ),
    ),
    ColumnSpec(
        key="czyjs",
        name="财政预决算",
        channel_id=2341,
        list_style="hanweb",
        newest_age_days=10,
        # No 2025 部门决算 (due 09-30): overdue. Item 0 names its column's subject (a 预算
        # meeting notice: not misplaced); item 1 is a meeting report (misplaced).
        gaps_days=(21, 205, 1, 180, 1, 185),
        url_style="hanweb",
        list_path="/col/col2341/index.html",
        unit="财务科",
        titles=(
            "关于召开2027年部门预算编制工作会议的通知",
            "市交通运输局召开党风廉政建设警示教育会议",
            "辽源市交通运输局2026年部门预算公开",
            "辽源市交通运输局2026年“三公”经费预算情况说明",
            "辽源市交通运输局2024年度部门决算公开",
            "辽源市交通运输局2024年度“三公”经费支出决算情况说明",
            "辽源市交通运输局2025年部门预算公开",
            "辽源市交通运输局2025年“三公”经费预算情况说明",
        ),
    ),
    ColumnSpec(
        key="rsxx",
        name="人事信息",
        channel_id=2307,
        list_style="table",
        newest_age_days=25,
        gaps_days=(40, 55),
        dated_pages=False,
        unit="人事科",
        titles=(
            "辽源市交通运输局干部任前公示",
            "辽源市交通运输局2026年公开招聘事业单位工作人员面试公告",
            "辽源市交通运输局2026年公开招聘事业单位工作人员公告",
            "辽源市交通运输局关于干部任免的通知",
            "辽源市交通运输综合行政执法支队2026年公开遴选公告",
            "辽源市交通运输局2025年度公务员考核结果公示",
        ),
    ),
    ColumnSpec(
        key="zdjsxm",
        name="重大建设项目",
        channel_id=2308,
        list_style="plain",
        newest_age_days=20,
        gaps_days=(35, 50),
        encoding="gbk",
        unit="规划建设科",
        titles=(
            "辽源市东辽河大桥改建工程项目批准信息",
            "国道饶盖线辽源绕城段改扩建工程施工进展情况",
            "辽源市公交场站建设项目招标投标信息",
            "省道西辽线辽源段大中修工程竣工验收信息",
            "辽源市农村公路安全生命防护工程项目审批信息",
        ),
    ),
    ColumnSpec(
        key="jytabl",
        name="建议提案办理",
        channel_id=2309,
        list_style="plain",
        newest_age_days=60,
        gaps_days=(12, 20),
        dated_pages=False,
        titles=(
            "关于市政协十届五次会议第0235号提案的答复",
            "关于市十届人大五次会议第118号建议的答复",
            "关于市政协十届五次会议第0187号提案的答复",
            "关于市十届人大五次会议第096号建议的答复",
            "辽源市交通运输局2026年人大代表建议和政协委员提案办理情况",
            "关于市政协十届五次会议第0142号提案的答复",
        ),
    ),
    ColumnSpec(
        key="xqdt",
        name="县区动态",
        channel_id=2311,
        list_style="plain",
        newest_age_days=40,  # 动态: 14-day window
        gaps_days=(9, 12),
        titles=(
            "东丰县交通运输局开展秋季农村客运安全检查",
            "东辽县完成农村公路危桥改造工程",
            "西安区开展城市公交文明服务示范线创建",
        ),
    ),
    ColumnSpec(
        key="gsgg",
        name="公示公告",
        channel_id=2312,
        list_style="plain",
        newest_age_days=200,  # 通知公告: 183-day window
        gaps_days=(30,),
        titles=(
            "辽源市道路运输从业人员从业资格注销公告",
            "辽源市机动车驾驶员培训机构质量信誉考核结果公示",
        ),
    ),
    ColumnSpec(
        key="tjxx",
        name="统计信息",
        channel_id=2313,
        list_style="plain",
        newest_age_days=400,  # maintained: 365-day window
        gaps_days=(92,),
        unit="规划建设科",
        titles=(
            "2025年1—9月全市交通运输经济运行情况",
            "2025年上半年全市交通运输经济运行情况",
        ),
    ),
    ColumnSpec(
        key="ghjh",
        name="规划计划",
        channel_id=2314,
        list_style="plain",
        newest_age_days=350,  # maintained: within 30 days of its 365-day limit
        gaps_days=(120,),
        unit="规划建设科",
        titles=(
            "辽源市2026年交通运输重点项目建设计划",
            "辽源市“十五五”综合交通运输发展规划编制工作方案",
        ),
    ),
    ColumnSpec(
        key="qzqd",
        name="权责清单",
        channel_id=2315,
        list_style="plain",
        newest_age_days=0,  # unused: the column carries no date anywhere
        url_style="file",
        undated=True,
        unit="法制科",
        titles=(
            "辽源市交通运输局权力清单",
            "辽源市交通运输局责任清单",
            "辽源市交通运输局行政职权运行流程图",
        ),
    ),
    ColumnSpec(
        key="zfcg",
        name="政府采购",
        channel_id=2316,
        list_style="plain",
        newest_age_days=0,
        unit="财务科",
        titles=(),  # blank: the list says 暂无信息
    ),
    # Single-page columns: two of content (not blank, whatever their list holds) and one that
    # says nothing at all, not even 暂无信息 (blank).
    ColumnSpec(
        key="ldxx",
        name="领导信息",
        channel_id=2318,
        list_style="plain",
        newest_age_days=0,
        unit="人事科",
        titles=(),
        page_text=(
            "局长：王建国　主持局全面工作，分管办公室、财务科。",
            "副局长：李明　负责公路建设、养护和道路运输管理工作，分管公路科、运输科。",
        ),
    ),
    ColumnSpec(
        key="xzsf",
        name="行政事业性收费",
        channel_id=2319,
        list_style="plain",
        newest_age_days=0,
        unit="财务科",
        titles=(),
        page_text=("本单位无行政事业性收费项目。",),
    ),
    ColumnSpec(
        key="zxzj",
        name="专项资金",
        channel_id=2320,
        list_style="plain",
        newest_age_days=0,
        unit="财务科",
        titles=(),
        placeholder=False,
    ),
    # Issue 11's 办事指南 (xuncha/demo/guides.py): a complete guide and one lacking two of the
    # 8 element classes, each page a label | value table.
    ColumnSpec(
        key="bszn",
        name="办事指南",
        channel_id=2321,
        list_style="plain",
        newest_age_days=30,  # maintained: 365-day window
        gaps_days=(21,),
        unit="行政审批科",
        titles=(
            "道路旅客运输经营许可办事指南",
            "出租汽车驾驶员从业资格证核发办事指南",
        ),
    ),
    ColumnSpec(
        key="xxgknb",
        name="政府信息公开年报",
        channel_id=2310,
        list_style="plain",
        newest_age_days=300,
        gaps_days=(365,),
        menu_group="",
        titles=(
            "辽源市交通运输局2025年政府信息公开工作年度报告",
            "辽源市交通运输局2024年政府信息公开工作年度报告",
            "辽源市交通运输局2023年政府信息公开工作年度报告",
            "辽源市交通运输局2022年政府信息公开工作年度报告",
        ),
    ),
)


def list_page_paths(spec: ColumnSpec, page_count: int | None = None) -> list[tuple[str, ...]]:
    """Per list page (0-based), the URL paths (with query) that serve it; the first is canonical.

    The column path itself always serves the first page; each pager style adds its own names.
    ``page_count`` defaults to the night-1 list's (a later night may list more items).
    """
    base = spec.path
    pages: list[tuple[str, ...]] = []
    for page in range(spec.page_count if page_count is None else page_count):
        if spec.list_style in ("trs_script", "count_page"):
            names = (base, f"{base}index.html") if page == 0 else (f"{base}index_{page}.html",)
        elif spec.list_style == "query":
            names = (base, f"{base}?page=1") if page == 0 else (f"{base}?page={page + 1}",)
        elif spec.list_style == "path_pager":
            shtml = f"{base}list-{page + 1}.shtml"
            names = (base, shtml) if page == 0 else (shtml,)
        else:
            names = (base,)
        pages.append(names)
    return pages


def column(key: str) -> ColumnSpec:
    """The column with this key (raises KeyError for an unknown one)."""
    for spec in COLUMNS:
        if spec.key == key:
            return spec
    raise KeyError(key)


def article(key: str, index: int) -> Article:
    """The ``index``-th newest article of column ``key``."""
    return articles_of(column(key))[index]
