"""Learning centre, savings and welfare, health and CDD standards of the village."""

from __future__ import annotations

from okanalysis.contract import schema
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import (
    cards,
    esc,
    heading,
    note,
    num,
    pct,
    suppressed_note,
    t,
    when,
)
from okanalysis.topics import finance, privacy


def topics_html(data: CircleData, code: str, lang: str = "th") -> str:
    """Learning centre, savings and welfare, health and CDD standards of the village."""
    district = data.of(code)
    parts = []
    centres = district.centres
    if code in centres.index:
        c = centres.loc[code]
        parts += [
            heading(t("centre", lang)),
            cards(
                [
                    (t("centres", lang), num(c["centres"])),
                    (t("registered", lang), num(c["centres_registered"])),
                    (t("active", lang), num(c["centres_active"])),
                    (t("activities", lang), num(c["activities"])),
                    (t("visitors", lang), num(c["visitors"])),
                    (t("last_activity", lang), when(c["last_activity"], lang)),
                ]
            ),
        ]
    money = district.finance
    if code in money.index:
        f = money.loc[code]
        model = finance.WELFARE_MODELS.get(f["welfare_model"], ("–", "–"))
        parts += [
            heading(t("finance", lang)),
            cards(
                [
                    (t("groups", lang), num(f["groups"])),
                    (t("household_coverage", lang), pct(f["household_coverage"])),
                    (t("welfare_coverage", lang), pct(f["welfare_coverage"])),
                    (t("loan_to_capital", lang), pct(f["loan_to_capital"])),
                    (t("arrears_ratio", lang), pct(f["arrears_ratio"])),
                    (t("welfare_model", lang), esc(model[1 if lang == "en" else 0])),
                ]
            ),
        ]
        if bool(f[privacy.SUPPRESSED]):
            parts.append(suppressed_note(data.min_group, lang))
    standards = district.standards
    if code in standards.index:
        s = standards.loc[code]
        result = {k: v[1 if lang == "en" else 0] for k, v in schema.STANDARD_RESULTS.items()}
        parts += [
            heading(t("standards", lang)),
            cards(
                [
                    (t("health_result", lang), esc(result.get(s["health_result"], "–"))),
                    (t("health_share", lang), pct(s["health_share"])),
                    (t("cdd_result", lang), esc(result.get(s["cdd_result"], "–"))),
                    (t("cdd_share", lang), pct(s["cdd_indicator_share"])),
                ]
            ),
        ]
    return "".join(parts) or note(esc(t("no_data", lang)))
