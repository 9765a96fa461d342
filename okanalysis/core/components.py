"""The five components every village and sub-district is graded on, and the grades.

One place for their codes and their Thai and English names: the rubric, the circle store and
the dashboards all read them from here, so a component is never spelt two ways.
"""

from __future__ import annotations

#: component code -> (Thai name, English name), in the programme's order.
COMPONENTS: dict[str, tuple[str, str]] = {
    "leadership": (
        "ทีมผู้นำคุณภาพและการสืบทอด",
        "a quality leadership team with succession",
    ),
    "master_plan": ("แผนแม่บทชุมชนคุณภาพ", "a quality community master plan"),
    "learning_centre": (
        "ศูนย์เรียนรู้เศรษฐกิจพอเพียงที่มีประสิทธิภาพ",
        "an effective sufficiency-economy learning centre",
    ),
    "finance_welfare": (
        "องค์กรการเงินและสวัสดิการชุมชนแบบบูรณาการ",
        "integrated community financial organisations and welfare",
    ),
    "standards": (
        "มาตรฐานสุขภาพและมาตรฐานชุมชน พช.",
        "health standard and CDD community standard",
    ),
}

#: The component codes, in order.
COMPONENT_CODES: tuple[str, ...] = tuple(COMPONENTS)

#: The grades, best first.
GRADES: tuple[str, ...] = ("A", "B", "C")


def component_name(code: str, lang: str = "th") -> str:
    """The Thai (or English, `lang="en"`) name of a component; KeyError for an unknown code."""
    th, en = COMPONENTS[code]
    return en if lang == "en" else th
