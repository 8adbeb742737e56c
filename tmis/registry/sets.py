"""The sub-tables (子表), SPEC §1.5, in the order of the national forms. Keys of the sets the
public contract types (EDUCATION, WORK, SALARY, ASSESSMENT) are the contract's own."""

from __future__ import annotations

from tmis.registry.model import Condition, Default, Field, InfoSet

PS, VOC, SPE, KG = "PRIMARY_SECONDARY", "VOCATIONAL", "SPECIAL_EDUCATION", "KINDERGARTEN"


def unless(key: str, *none_values: str) -> Condition:
    """Enabled once `key` is filled with something other than its 无 value(s)."""
    return Condition(key, (*none_values, None, ""), negate=True)


def is_(key: str, *values: object) -> Condition:
    return Condition(key, values)


HAS_EDUCATION, HAS_DEGREE = unless("education", "0"), unless("degreeLevel", "0")
EDUCATION = InfoSet(
    "EDUCATION",
    "学习经历",
    (
        Field("education", "获得学历", "code", "education", required=True, input_required=True),
        Field("country", "获得学历的国家(地区)", "code", "nationality", default="156"),
        Field("institution", "获得学历的院校或机构", "text", required=True, when=HAS_EDUCATION, max_length=100),
        Field("major", "所学专业", "text", required=True, when=HAS_EDUCATION, max_length=100),
        Field("normalMajor", "是否师范类专业", "bool", required=True, default=False),
        Field("startMonth", "入学年月", "month", required=True, input_required=True),
        Field("endMonth", "毕业年月", "month", required=True, input_required=True, after="startMonth"),
        Field("degreeLevel", "学位层次", "code", "degree_level", required=True, input_required=True),
        # GB/T 6864: a 学位名称 sits under its 层次 (名誉博士 with 博士)
        Field(
            "degree",
            "学位名称",
            "code",
            "degree",
            required=True,
            when=HAS_DEGREE,
            within=("degreeLevel", {"2": ("1", "2"), "3": ("3",), "4": ("4",)}),
        ),
        Field(
            "degreeCountry",
            "获得学位的国家(地区)",
            "code",
            "nationality",
            required=True,
            when=HAS_DEGREE,
            default="156",
        ),
        Field("degreeInstitution", "获得学位的院校或机构", "text", required=True, when=HAS_DEGREE, max_length=100),
        Field("degreeMonth", "学位授予年月", "month", when=HAS_DEGREE, not_before="startMonth"),
        Field("studyMode", "学习方式", "code", "study_mode", required=True, input_required=True),
        Field("institutionCategory", "在学单位类别", "code", "institution_category"),
    ),
    required=True,
)

WORK = InfoSet(
    "WORK",
    "工作经历",
    (
        Field("employer", "任职单位名称", "text", required=True, input_required=True, max_length=100),
        Field("startMonth", "任职开始年月", "month", required=True, input_required=True),
        # blank for the current post: 至今
        Field("endMonth", "任职结束年月", "month", not_before="startMonth"),
        # 单位性质类别 is a tree whose official codes are not known yet (codes/README.md): text until loaded
        Field("employerCategory", "单位性质类别", "text", max_length=50),
        Field("post", "任职岗位", "text", max_length=50),
    ),
)

CONCURRENT = is_("concurrentPost", True)
POST_APPOINTMENT = InfoSet(
    "POST_APPOINTMENT",
    "岗位聘任",
    (
        Field("postCategory", "岗位类别", "code", "post_category", required=True),
        Field(
            "postGrade",
            "岗位等级",
            "code",
            "post_grade",
            required=True,
            cascade=("postCategory", "applies_to_post_category"),
        ),
        Field("startMonth", "聘任开始年月", "month", required=True),
        Field("concurrentPost", "是否兼任其他岗位", "bool", required=True, default=False),
        Field(
            "concurrentPostCategory", "兼任岗位类别", "code", "part_time_post_category", required=True, when=CONCURRENT
        ),
        Field(
            "concurrentPostGrade",
            "兼任岗位等级",
            "code",
            "post_grade",
            when=CONCURRENT,
            cascade=("concurrentPostCategory", "applies_to_post_category"),
        ),
        Field("schoolDuties", "校级职务", "codes", "school_duty", required=True, default=("00",)),
        Field(
            "dutyStartMonth", "任职开始年月", "month", when=Condition("schoolDuties", (("00",), (), None), negate=True)
        ),
    ),
    required=True,
)

HAS_TITLE = unless("title", "0")
TITLE_APPOINTMENT = InfoSet(
    "TITLE_APPOINTMENT",
    "专业技术职务聘任",
    (
        Field("title", "聘任专业技术职务", "code", "title", required=True),
        Field("startMonth", "聘任开始年月", "month", required=True, when=HAS_TITLE),
        Field("endMonth", "聘任结束年月", "month", when=HAS_TITLE, not_before="startMonth"),
        Field("employer", "聘任单位名称", "text", when=HAS_TITLE, max_length=100),
    ),
    required=True,
)

HAS_QUALIFICATION = unless("qualificationType", "0")
QUALIFICATION = InfoSet(
    "QUALIFICATION",
    "教师资格",
    (
        Field("qualificationType", "教师资格证种类", "code", "qualification_type", required=True, default="0"),
        Field("certificateNumber", "教师资格证号码", "text", when=HAS_QUALIFICATION, max_length=30),
        # 任教学科: the dictionary exists but its values are not known yet (codes/README.md)
        Field("subject", "任教学科", "text", when=HAS_QUALIFICATION, max_length=50),
        Field("issueDate", "证书颁发日期", "date", when=HAS_QUALIFICATION),
        Field("issuer", "颁发机构", "text", when=HAS_QUALIFICATION, max_length=100),
    ),
    required=True,
)

HAS_HONOUR, HAS_PUNISHMENT = unless("honourLevel", "0"), unless("punishmentType", "0")
ETHICS = InfoSet(
    "ETHICS",
    "师德信息",
    (
        Field("assessmentMonth", "师德考核时间", "month", required=True),
        Field("assessmentResult", "师德考核结论", "code", "ethics_result", required=True, default="2"),
        Field("assessmentUnit", "师德考核单位名称", "text", max_length=100),
        Field("honourLevel", "荣誉级别", "code", "honour_level", default="0"),
        Field("honourTitle", "获得荣誉称号", "text", when=HAS_HONOUR, max_length=100),
        Field("honourDate", "荣誉发生日期", "date", when=HAS_HONOUR),
        Field("honourDescription", "荣誉记录描述", "text", when=HAS_HONOUR, max_length=500),
        Field("honourGrantor", "荣誉授予单位名称", "text", when=HAS_HONOUR, max_length=100),
        Field("punishmentType", "处分类别", "code", "punishment_type", required=True, default="0"),
        Field("punishmentReason", "处分原因", "text", required=True, when=HAS_PUNISHMENT, max_length=200),
        Field("punishmentDate", "处分发生日期", "date", required=True, when=HAS_PUNISHMENT),
        Field("punishmentDescription", "处分记录描述", "text", when=HAS_PUNISHMENT, max_length=500),
        Field("punishmentUnit", "处分单位名称", "text", when=HAS_PUNISHMENT, max_length=100),
        Field("punishmentRevokedDate", "处分撤销日期", "date", when=HAS_PUNISHMENT, not_before="punishmentDate"),
        Field("punishmentRevokeReason", "处分撤销原因", "text", when=HAS_PUNISHMENT, max_length=200),
    ),
    required=True,
)

TEACHES = is_("teachingStatus", "20")
TEACHING = InfoSet(
    "TEACHING",
    "教育教学",
    (
        Field("schoolYear", "学年", "year", required=True),
        Field("semester", "学期", "code", "semester", required=True),
        Field("teachingStage", "任教学段", "codes", "teaching_stage", required=True),
        Field("teachingStatus", "任课状况", "code", "teaching_status", required=True, default="20"),
        Field(
            "teachingStatusNote",
            "任课状况为其他情况的具体说明",
            "text",
            required=True,
            when=is_("teachingStatus", "99"),
            max_length=200,
        ),
        # the course tree's roots 1/2/3 are 小学/初中/高中 courses [CL S6, S6b]
        Field(
            "courses",
            "任教课程",
            "codes",
            "teaching_course",
            when=TEACHES,
            within=("teachingStage", {"2": ("1",), "3": ("2",), "4": ("3",)}),
        ),
        Field("weeklyHours", "平均每周课堂教学课时数", "int", required=True, when=TEACHES),
        Field("otherWeeklyHours", "平均每周其他工作折合教学课时数", "int"),
        Field("concurrentWork", "兼任工作", "code", "concurrent_work", required=True, default="00"),
        Field(
            "concurrentWorkName",
            "兼任其他工作名称",
            "text",
            required=True,
            when=is_("concurrentWork", "99"),
            max_length=50,
        ),
    ),
    required=True,
    one_per=("schoolYear", "semester"),
)

TALENT_PROGRAM = InfoSet(
    "TALENT_PROGRAM",
    "入选人才项目",
    (
        Field("program", "入选人才项目名称", "code", "talent_program", required=True),
        Field("year", "入选年份", "year", when=unless("program", "00"), default=Default.THIS_YEAR),
    ),
)

TRAINING = InfoSet(
    "TRAINING",
    "国内培训",
    (
        Field("year", "培训年度", "year", required=True),
        Field("category", "培训类别", "code", "training_category", required=True),
        Field("project", "培训项目名称", "text", required=True, max_length=100),
        Field("institution", "培训机构名称", "text", max_length=100),
        Field("mode", "培训方式", "code", "training_mode", required=True),
        Field("hours", "培训获得学时", "int", required=True),
        Field("credits", "培训获得学分", "int"),
    ),
    required=True,
)

ABROAD = is_("hasOverseasStudy", True)
OVERSEAS_STUDY = InfoSet(
    "OVERSEAS_STUDY",
    "海外研修(访学)",
    (
        Field("hasOverseasStudy", "是否有海外研修(访学)经历", "bool", required=True, default=False),
        Field("startDate", "开始日期", "date", required=True, when=ABROAD),
        Field("endDate", "结束日期", "date", required=True, when=ABROAD, after="startDate"),
        Field("country", "国家(地区)", "code", "nationality", required=True, when=ABROAD),
        Field("institution", "研修(访学)机构名称", "text", when=ABROAD, max_length=100),
        Field("project", "项目名称", "text", when=ABROAD, max_length=100),
        Field("organizer", "项目组织单位名称", "text", when=ABROAD, max_length=100),
    ),
)

HAS_CERTIFICATE = unless("certificateType", "0")
SKILL = InfoSet(
    "SKILL",
    "技能及证书",
    (
        # 语种 (GB/T 4880) is not loaded yet: text until it is
        Field("language", "语种", "text", required=True, max_length=30),
        Field("proficiency", "掌握程度", "code", "proficiency", required=True),
        Field("otherSkill", "其他技能名称", "text", max_length=50),
        Field("otherSkillProficiency", "其他技能掌握程度", "code", "proficiency"),
        Field("certificateType", "证书类型", "code", "certificate_type", default="2"),
        Field(
            "languageCertificate",
            "语言证书名称",
            "code",
            "language_certificate_name",
            required=True,
            when=is_("certificateType", "2"),
        ),
        Field(
            "certificateName",
            "证书名称",
            "text",
            when=HAS_CERTIFICATE,
            max_length=100,
            required_when=Condition("languageCertificate", ("9",)),
        ),
        Field("issueMonth", "发证年月", "month", when=HAS_CERTIFICATE),
        Field("issuer", "发证单位", "text", when=HAS_CERTIFICATE, max_length=100),
        Field("certificateNumber", "证书编号", "text", when=HAS_CERTIFICATE, max_length=50),
    ),
)

ROTATES = unless("rotationType", "0")
EXCHANGE = InfoSet(
    "EXCHANGE",
    "交流轮岗",
    (
        Field("rotationType", "交流轮岗类型", "code", "rotation_type", required=True),
        Field("transferred", "是否调动人事关系", "bool", required=True, when=ROTATES),
        Field("startMonth", "开始年月", "month", required=True, when=ROTATES),
        Field("endMonth", "结束年月", "month", when=ROTATES, not_before="startMonth"),
        Field(
            "fromEmployer",
            "原单位名称",
            "text",
            required=True,
            when=ROTATES,
            max_length=100,
            default=Default.SCHOOL_NAME,
        ),
        Field("toEmployer", "交流轮岗单位名称", "text", required=True, when=ROTATES, max_length=100),
    ),
)

CONTACT = InfoSet(
    "CONTACT",
    "联系方式",
    (
        Field("address", "通信地址", "text", max_length=200),
        Field("homePhone", "联系电话(住宅)", "text", max_length=30),
        Field("officePhone", "联系电话(办公)", "text", max_length=30),
        Field("mobile", "移动电话", "text", max_length=30),
        Field("email", "电子信箱", "text", max_length=100),
        Field("other", "其他联系方式", "text", max_length=100),
    ),
    single=True,
)

SALARY = InfoSet(
    "SALARY",
    "基本待遇",
    (
        Field("year", "年度", "year", required=True, input_required=True),
        Field("annualIncome", "年工资收入(元)", "decimal", required=True, input_required=True),
        Field("basicMonthly", "基本工资(元/月)", "decimal", required=True, input_required=True),
        Field("performanceMonthly", "绩效工资(元/月)", "decimal", required=True, input_required=True),
        Field(
            "ruralAllowanceMonthly", "乡村教师生活补助(元/月)", "decimal", required=True, school_types=frozenset({PS})
        ),
        Field(
            "otherAllowanceMonthly",
            "其他津贴补贴(元/月)",
            "decimal",
            required=True,
            input_required=True,
            labels={VOC: "津贴补贴(元/月)", KG: "津贴补贴(元/月)", SPE: "特教津贴补贴(元/月)"},
        ),
        Field("otherMonthly", "其他(元/月)", "decimal", required=True, input_required=True),
        Field("insurance", "五险一金", "codes", "insurance", required=True, input_required=True),
    ),
    writer="school",
    required=True,
    one_per=("year",),
)

ASSESSMENT = InfoSet(
    "ASSESSMENT",
    "年度考核",
    (
        Field("year", "考核年度", "year", required=True, input_required=True),
        Field("result", "考核结果", "code", "assessment_result", required=True, input_required=True),
        Field("assessor", "考核单位名称", "text", max_length=100, default=Default.SCHOOL_NAME),
    ),
    writer="school",
    required=True,
    one_per=("year",),
)

KIND = {
    name: is_("kind", code)
    for code, name in (
        ("1", "project"),
        ("2", "book"),
        ("3", "paper"),
        ("4", "award"),
        ("5", "art"),
        ("6", "patent"),
        ("7", "report"),
        ("8", "medicine"),
        ("9", "standard"),
        ("10", "student_award"),
    )
}
# 本人角色, 学科领域 and the other role / level dictionaries of the sub-groups are not known yet
# (codes/README.md): text until loaded, except 学科领域, which is.
RESEARCH = InfoSet(
    "RESEARCH",
    "教学科研成果及获奖",
    (
        Field("kind", "成果类别", "code", "research_kind", required=True),
        Field("representative", "是否是代表性成果和项目", "bool", default=False),
        Field("title", "名称", "text", required=True, max_length=200),
        Field("role", "本人角色", "text", max_length=50),
        Field("rank", "本人排名", "int", when=Condition("kind", ("1", "4"))),
        Field("academicArea", "学科领域", "code", "academic_area", when=Condition("kind", ("1", "2", "3", "6"))),
        Field("projectType", "项目类型", "text", required=True, when=KIND["project"], max_length=50),
        Field("approvalNumber", "批准号", "text", when=KIND["project"], max_length=50),
        Field("funding", "经费额度(万元)", "decimal", when=KIND["project"]),
        Field("startMonth", "开始年月", "month", when=KIND["project"]),
        Field("endMonth", "结束年月", "month", when=KIND["project"], not_before="startMonth"),
        Field("commissioner", "委托单位", "text", when=Condition("kind", ("1", "7")), max_length=100),
        Field("projectSource", "项目来源", "text", when=KIND["project"], max_length=100),
        Field("bookCategory", "著作类别", "text", required=True, when=KIND["book"], max_length=50),
        Field("publisher", "出版社", "text", when=KIND["book"], max_length=100),
        Field("publicationNumber", "出版号", "text", when=KIND["book"], max_length=50),
        Field("totalWords", "总字数(万字)", "decimal", when=KIND["book"]),
        Field("ownWords", "本人撰写字数(万字)", "decimal", when=KIND["book"]),
        Field("journal", "发表刊物", "text", required=True, when=KIND["paper"], max_length=100),
        Field("volume", "卷号", "text", when=KIND["paper"], max_length=20),
        Field("issue", "期号", "text", when=KIND["paper"], max_length=20),
        Field("pages", "起止页码", "text", when=KIND["paper"], max_length=20),
        Field("indexedBy", "收录情况", "text", when=KIND["paper"], max_length=50),
        Field("awardCategory", "奖励类别", "text", required=True, when=Condition("kind", ("4", "10")), max_length=50),
        Field("awardGrade", "奖励等级", "code", "award_grade", when=Condition("kind", ("4", "10"))),
        Field("otherGrade", "其他等级", "text", required=True, when=Condition("awardGrade", ("9",)), max_length=50),
        Field("awardCountry", "授奖国家(地区)", "code", "nationality", when=KIND["award"], default="156"),
        Field("grantor", "授奖单位", "text", when=KIND["award"], max_length=100),
        Field("artCategory", "文艺作品类别", "text", required=True, when=KIND["art"], max_length=50),
        Field("venue", "地点", "text", when=KIND["art"], max_length=100),
        Field("patentType", "专利或软件著作权类型", "text", required=True, when=KIND["patent"], max_length=50),
        Field("registrationNumber", "专利号/登记号", "text", when=Condition("kind", ("6", "8", "9")), max_length=50),
        Field("validUntil", "有效期至", "date", when=KIND["medicine"]),
        Field("publishedBy", "发布单位", "text", when=KIND["standard"], max_length=100),
        Field("date", "日期(出版、发表、获奖、完成、批准或发布)", "date"),
        Field("description", "本人承担工作描述", "text", when=Condition("kind", ("5", "10")), max_length=500),
    ),
)

SUB_TABLES = (
    EDUCATION,
    WORK,
    POST_APPOINTMENT,
    TITLE_APPOINTMENT,
    SALARY,
    ASSESSMENT,
    QUALIFICATION,
    ETHICS,
    TEACHING,
    RESEARCH,
    TALENT_PROGRAM,
    TRAINING,
    OVERSEAS_STUDY,
    SKILL,
    EXCHANGE,
    CONTACT,
)
