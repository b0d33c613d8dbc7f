"""Article body texts (正文): three deterministic paragraphs each, plus the planted content.

:data:`PLANTED_PARAGRAPHS` adds paragraphs to some articles, keyed by ``(column key, index)``
(index 0 = the newest item): the content defects of issue 3 (an unmasked 身份证号码, a 手机号码,
a 严重表述错误 and a 错别字) and their look-alikes that are fine (a masked ID number, a 文号, an
索引号, an office landline, the correct 工作部署). The answer key is kept separately in
:mod:`xuncha.demo.expected_content`; a test checks that both agree.

The full numbers below are fictional and exist only to be found: each ID number has a valid
GB 11643 check character, so a privacy check has to report it.
"""

from __future__ import annotations

from xuncha.demo.model import Article

PAGE_ID_NUMBER = "220402199003151231"
ATTACHMENT_ID_NUMBER = "220403198811202211"
MOBILE_NUMBER = "13943719876"
MASKED_ID_NUMBER = "2204**********2216"
DOCUMENT_NUMBER = "辽交发〔2026〕12号"
INDEX_NUMBER = "11220400MB1234567X/2026-00123"
OFFICE_PHONE = "0437-3221234"
SERIOUS_MISSTATEMENT = "中华人民共合国"  # checks/data/wording.yaml: 国名错字, severity high
MISWRITING = "工作布署"  # checks/data/wording.yaml: 常见错别字, severity medium

BODY_PARAGRAPHS = (
    "为深入贯彻《中华人民共和国政府信息公开条例》，全面推进交通运输领域决策、执行、管理、"
    "服务、结果公开，市交通运输局结合工作实际，认真做好相关工作。",
    "各县（区）交通运输主管部门、局属各单位要高度重视，明确牵头单位和责任人，细化工作措施，"
    "确保各项任务按时保质完成。",
    "下一步，市交通运输局将持续加强农村公路建设管理养护，提升城乡客运服务水平，"
    "推动交通运输高质量发展。",
    "各有关单位要严格落实安全生产责任制，加强隐患排查治理，切实保障人民群众生命财产安全。",
    "对工作中发现的问题，要建立整改台账，逐项明确整改措施和完成时限，对上一年度工作要点"
    "落实情况开展回头看。",
    "公众可通过政府信息公开平台、政务服务热线12328等渠道了解相关政策，提出意见建议。",
)

PLANTED_PARAGRAPHS: dict[tuple[str, int], tuple[str, ...]] = {
    # privacy_leak / id_number: an unmasked ID number in the page text
    ("rsxx", 1): (
        f"因面试时间调整，请考生王某某（身份证号码：{PAGE_ID_NUMBER}）于面试当日"
        "8时前到指定地点报到。",
    ),
    # privacy_leak / mobile: a personal mobile number in the page text
    ("tzgg", 8): (f"考核合格驾驶员：陈某某，联系电话{MOBILE_NUMBER}。",),
    # negative: a masked ID number
    ("rsxx", 0): (f"拟任人选：王某某，男，1985年3月生，身份证号{MASKED_ID_NUMBER}。",),
    # negatives: a 文号, an 索引号 and an office landline
    ("zcjd", 0): (
        "原文件：辽源市交通运输局关于印发《2026年政务公开工作要点》的通知"
        f"（{DOCUMENT_NUMBER}，索引号：{INDEX_NUMBER}）。",
        f"咨询电话：{OFFICE_PHONE}。",
    ),
    # wording_error / serious_misstatement
    ("tzgg", 4): (f"检查依据《{SERIOUS_MISSTATEMENT}安全生产法》和有关规定开展。",),
    # wording_error / miswriting
    ("gzdt", 0): (f"会议对冬季运输安全生产{MISWRITING}作出具体安排。",),
    # negative: the correct formulation
    ("gzdt", 5): ("会议对下一步示范创建工作部署作出具体安排。",),
}

# privacy_leak / id_number in an attachment: the 拟聘用人员名单 (.docx) of the tzgg 3 公示
ROSTER_PARAGRAPHS = (
    "辽源市交通运输局2026年公开招聘事业单位工作人员拟聘用人员名单",
    "序号　姓名　性别　身份证号码　拟聘岗位",
    f"1　刘某某　女　{ATTACHMENT_ID_NUMBER}　综合管理岗",
)


def body_of(item: Article, planted: tuple[str, ...] | None = None) -> list[str]:
    """Three deterministic paragraphs for an article's body, then its planted ones: ``planted``
    when given (a later night's revision, :mod:`xuncha.demo.editions`), else night 1's."""
    lead = f"现将“{item.title}”有关情况公开如下。"
    count = len(BODY_PARAGRAPHS)
    if planted is None:
        planted = PLANTED_PARAGRAPHS.get((item.column.key, item.index), ())
    return [
        lead,
        BODY_PARAGRAPHS[item.index % count],
        BODY_PARAGRAPHS[(item.index + 3) % count],
        *planted,
    ]
