"""基本信息 (the main table), its four school-type variants, in the order of the national
import template (SPEC §1.2). Rules that read more than one field sit on the field they guard."""

from __future__ import annotations

from tmis.registry.model import Condition, Field, InfoSet

PS, VOC, SPE, KG = "PRIMARY_SECONDARY", "VOCATIONAL", "SPECIAL_EDUCATION", "KINDERGARTEN"
CHINA = Condition("nationality", ("156",))
NOT_IN_ESTABLISHMENT = Condition("inEstablishment", (False,))
IN_GRASSROOTS_PROGRAM = Condition("grassrootsProgram", ("0", None), negate=True)


def only(*school_types: str) -> frozenset[str]:
    return frozenset(school_types)


BASIC = InfoSet(
    "BASIC",
    "基本信息",
    (
        Field("name", "姓名", "text", required=True, input_required=True, max_length=50),
        Field("formerName", "曾用名", "text", max_length=50, default="无"),
        Field("gender", "性别", "code", "gender", required=True, input_required=True),
        Field("staffNumber", "教职工号", "text", max_length=30, default="0"),
        Field("nationality", "国籍/地区", "code", "nationality", required=True, default="156"),
        Field("idType", "身份证件类型", "code", "id_type", required=True, default="1"),
        Field("idNumber", "身份证件号", "text", required=True, input_required=True, max_length=30),
        Field("birthDate", "出生日期", "date", required=True, input_required=True),
        Field("nativePlace", "籍贯", "code", "region", required=True, required_in=only(VOC, SPE)),
        Field("birthPlace", "出生地", "code", "region"),
        Field("ethnicity", "民族", "code", "ethnicity", required=True, when=CHINA, default="01"),
        Field("politicalStatus", "政治面貌", "codes", "political_status", required=True, when=CHINA, default=("13",)),
        Field("maritalStatus", "婚姻状况", "code", "marital_status"),
        Field("health", "健康状况", "code", "health", required=True, required_in=only(VOC, SPE), default="1"),
        Field("highestEducation", "最高学历", "code", "education", derived=True),
        Field("highestEducationInstitution", "获得最高学历的院校或机构", "text", derived=True),
        Field("highestDegreeLevel", "最高学位层次", "code", "degree_level", derived=True),
        Field("highestDegree", "最高学位名称", "code", "degree", derived=True),
        Field("highestDegreeInstitution", "获得最高学位的院校或机构", "text", derived=True),
        Field("workStartMonth", "参加工作年月", "month", required=True, input_required=True, after="birthDate"),
        Field(
            "schoolJoinMonth",
            "进本校年月",
            "month",
            required=True,
            input_required=True,
            not_before="workStartMonth",
            labels={KG: "进本园年月"},
        ),
        Field(
            "specialEdStartMonth",
            "从事特教起始年月",
            "month",
            required=True,
            school_types=only(SPE),
            not_before="workStartMonth",
        ),
        Field(
            "staffSource",
            "教职工来源",
            "code",
            "staff_source",
            required=True,
            input_required=True,
            codes_only_in={"301": only(KG), "302": only(KG)},
        ),
        Field(
            "staffCategory",
            "教职工类别",
            "code",
            required=True,
            input_required=True,
            code_tables={
                PS: "staff_category_primary_secondary",
                VOC: "staff_category_vocational",
                SPE: "staff_category_special",
                KG: "staff_category_kindergarten",
            },
        ),
        Field("inEstablishment", "是否在编", "bool", required=True, input_required=True, default=False),
        Field("employmentForm", "用人形式", "code", "employment_form", required=True, when=NOT_IN_ESTABLISHMENT),
        Field("contractType", "签订合同情况", "code", "contract_type", required=True),
        Field("currentTitle", "现任专业技术职务", "code", "title", derived=True),
        Field("currentPostCategory", "现任岗位类别", "code", "post_category", derived=True),
        Field("currentPostGrade", "现任岗位等级", "code", "post_grade", derived=True),
        Field(
            "normalMajorGraduate",
            "是否全日制师范类专业毕业",
            "bool",
            required=True,
            school_types=only(PS, SPE, KG),
            default=False,
        ),
        Field(
            "specialEdTrained",
            "是否受过特教专业培养培训",
            "bool",
            required=True,
            school_types=only(PS, SPE),
            default=False,
        ),
        Field(
            "specialEdCertified",
            "是否有特殊教育从业证书",
            "bool",
            required=True,
            school_types=only(PS, SPE),
            default=False,
        ),
        Field(
            "specialEdGraduate",
            "是否全日制特殊教育专业毕业",
            "bool",
            required=True,
            school_types=only(SPE),
            default=False,
        ),
        Field(
            "preschoolGraduate",
            "是否全日制学前教育专业毕业",
            "bool",
            required=True,
            school_types=only(KG),
            default=False,
        ),
        Field(
            "preschoolTrained",
            "是否受过学前教育专业培养培训",
            "bool",
            required=True,
            school_types=only(KG),
            default=False,
        ),
        Field("itProficiency", "信息技术应用能力", "code", "it_proficiency", required=True),
        Field(
            "fundedNormalStudent",
            "是否属于免费（公费）师范生",
            "code",
            "funded_normal_student",
            required=True,
            default="0",
        ),
        Field("grassrootsProgram", "是否参加基层服务项目", "code", "grassroots_program", required=True, default="0"),
        Field("grassrootsStartMonth", "参加基层服务项目起始年月", "month", when=IN_GRASSROOTS_PROGRAM),
        Field(
            "grassrootsEndMonth",
            "参加基层服务项目结束年月",
            "month",
            when=IN_GRASSROOTS_PROGRAM,
            not_before="grassrootsStartMonth",
        ),
        Field("specialGradeTeacher", "是否是特级教师", "bool", required=True, default=False, aliases=("是否特级教师",)),
        Field(
            "keyTeacher",
            "是否县级及以上骨干教师",
            "bool",
            required=True,
            school_types=only(PS, SPE, KG),
            default=False,
            aliases=("是否是县级及以上骨干教师",),
        ),
        Field(
            "mentalHealthTeacher",
            "是否心理健康教育教师",
            "code",
            "mental_health_teacher",
            required=True,
            school_types=only(PS, SPE, KG),
            default="0",
            aliases=("是否心里健康教育教师",),
        ),
        Field("dualQualified", "是否“双师型”教师", "bool", required=True, school_types=only(VOC), default=False),
        Field(
            "skillCertified", "是否具备职业技能等级证书", "bool", required=True, school_types=only(VOC), default=False
        ),
        Field(
            "enterprisePractice",
            "企业工作(实践)时长",
            "code",
            "enterprise_practice_duration",
            required=True,
            school_types=only(VOC),
        ),
        Field("staffStatus", "人员状态", "code", "staff_status", required=True, default="100"),
        Field("remarks", "备注", "text", max_length=500),
    ),
)
