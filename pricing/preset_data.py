"""Shipped rate presets, as data: loaded into RatePreset by a data migration.

Plain strings for decimals so the values survive JSON, migrations and
fixtures unchanged. Percentages are percent (13.8 = 13.8%); pence_per_mile is
in pence; weekly figures are £ a week. The reasons for each non-statutory
choice are in each source_note and in docs/cost_of_care.md.

Assumptions shared by every preset (see docs/cost_of_care.md):
holiday 12.07% (5.6 weeks / 46.4 weeks worked), sick pay 1%, paid training
time 3%, other paid non-contact time 2.2% (supervision, team meetings),
surplus 3% of costs, a typical care worker with 28.5 contact hours a week,
running costs as £ per contact hour (running_costs_percent 0).
"""
from __future__ import annotations

_SHARED = {
    "holiday_pay_percent": "12.07",
    "sick_pay_percent": "1",
    "training_time_percent": "3",
    "other_paid_time_percent": "2.2",
    "running_costs_percent": "0",
    "surplus_percent": "3",
    "weekly_contact_hours": "28.5",
}

_SHARED_NOTE = (
    " Shared assumptions: holiday 12.07% (5.6 weeks / 46.4 weeks worked), sick pay 1%, paid training 3%,"
    " other paid time 2.2%, surplus 3% of costs, 28.5 contact hours a week for the NI and pension"
    " thresholds (these four on-cost figures reproduce the Association's 2020/21 on-cost lines)."
)

PRESETS: list[dict[str, object]] = [
    {
        "slug": "2016-17",
        "name": "UKHCA minimum price 2016/17 (Lancashire tender era)",
        "year_label": "2016/17",
        "effective_from": "2016-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "7.20",
        "employer_ni_rate": "13.8",
        "ni_secondary_threshold_weekly": "156",
        "pension_rate": "1",
        "pension_lower_limit_weekly": "112",
        "pence_per_mile": "35",
        "running_costs_per_hour": "4.26",
        "travel_minutes_per_contact_hour": "11",
        "miles_per_contact_hour": "3.2",
        "source_note": (
            "Statutory: National Living Wage £7.20 (April 2016); employer NI 13.8% above £156 a week;"
            " auto-enrolment employer minimum 1% above the £112 a week qualifying earnings lower limit."
            " Calibrated to UKHCA's 2016 minimum price of £16.70 per contact hour (quoted in the Lancashire"
            " scrutiny report, seed 004, with a 50p profit allowance): model total £16.70, surplus £0.49."
            " Travel 11 minutes per contact hour is UKHCA's own basis (60 contact + 11 travel minutes);"
            " 3.2 miles per contact hour and 35p a mile are our assumptions (same implied speed as the"
            " 2020/21 preset); running costs £4.26 per contact hour are the calibration residual." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2017-18",
        "name": "UKHCA minimum price 2017/18 (Lancashire tender era)",
        "year_label": "2017/18",
        "effective_from": "2017-04-01",
        "is_estimate": True,
        **_SHARED,
        "hourly_pay_rate": "7.50",
        "employer_ni_rate": "13.8",
        "ni_secondary_threshold_weekly": "157",
        "pension_rate": "1",
        "pension_lower_limit_weekly": "113",
        "pence_per_mile": "35",
        "running_costs_per_hour": "4.26",
        "travel_minutes_per_contact_hour": "11",
        "miles_per_contact_hour": "3.2",
        "source_note": (
            "Statutory: National Living Wage £7.50 (April 2017; the Lancashire report expected about £7.60);"
            " employer NI 13.8% above £157 a week; pension 1% above £113 a week (2% only from April 2018)."
            " Non-statutory assumptions carried forward from 2016/17, running costs £4.26 per contact hour."
            " Model total £17.19, which matches UKHCA's Minimum Price Version 4.0 figure of £17.19 as quoted"
            " by a third party; that it applied from April 2017 is our reading, not confirmed from UKHCA's own"
            " publication, hence marked as an estimate." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2018-19",
        "name": "UKHCA minimum price 2018/19",
        "year_label": "2018/19",
        "effective_from": "2018-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "7.83",
        "employer_ni_rate": "13.8",
        "ni_secondary_threshold_weekly": "162",
        "pension_rate": "2",
        "pension_lower_limit_weekly": "116",
        "pence_per_mile": "40",
        "running_costs_per_hour": "4.11",
        "travel_minutes_per_contact_hour": "11.7",
        "miles_per_contact_hour": "3.4",
        "source_note": (
            "Calibrated to UKHCA's minimum price of £18.01 per contact hour for 2018/19 (quoted in its Homecare"
            " Deficit 2018). Statutory: National Living Wage £7.83 (April 2018); employer NI 13.8% above £162 a"
            " week; auto-enrolment employer minimum 2% above the £116 a week qualifying earnings lower limit."
            " Travel 11.7 minutes, 3.4 miles a contact hour at 40p a mile as in the 2020/21 breakdown (the"
            " Association changed its travel assumptions only from 2023/24); running costs £4.11 per contact"
            " hour as the calibration residual. Model total £18.01." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2019-20",
        "name": "UKHCA minimum price 2019/20",
        "year_label": "2019/20",
        "effective_from": "2019-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "8.21",
        "employer_ni_rate": "13.8",
        "ni_secondary_threshold_weekly": "166",
        "pension_rate": "3",
        "pension_lower_limit_weekly": "118",
        "pence_per_mile": "40",
        "running_costs_per_hour": "4.32",
        "travel_minutes_per_contact_hour": "11.7",
        "miles_per_contact_hour": "3.4",
        "source_note": (
            "Calibrated to UKHCA's minimum price of £18.93 per contact hour for 2019/20. Statutory: National"
            " Living Wage £8.21 (April 2019); employer NI 13.8% above £166 a week; pension 3% (the"
            " auto-enrolment minimum from April 2019) above the £118 a week qualifying earnings lower limit."
            " Travel 11.7 minutes, 3.4 miles a contact hour at 40p a mile as in the 2020/21 breakdown (the"
            " Association changed its travel assumptions only from 2023/24); running costs £4.32 per contact"
            " hour as the calibration residual. Model total £18.93." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2020-21",
        "name": "Homecare Association minimum price 2020/21",
        "year_label": "2020/21",
        "effective_from": "2020-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "8.72",
        "employer_ni_rate": "13.8",
        "ni_secondary_threshold_weekly": "169",
        "pension_rate": "3",
        "pension_lower_limit_weekly": "120",
        "pence_per_mile": "40",
        "running_costs_per_hour": "5.20",
        "travel_minutes_per_contact_hour": "11.7",
        "miles_per_contact_hour": "3.4",
        "source_note": (
            "Reproduces UKHCA's published breakdown of £20.69 per contact hour (announced 20 January 2020):"
            " contact £8.72, travel £1.70, NI and pension £1.14, other wage on-costs £1.97, mileage £1.36,"
            " running the business £5.20, surplus £0.60. Statutory: National Living Wage £8.72; employer NI"
            " 13.8% above £169 a week; pension 3% above £120 a week. Travel 11.7 minutes per contact hour"
            " (£1.70 / £8.72 x 60); mileage 3.4 miles at 40p (£1.36); running costs £5.20 as published;"
            " surplus 3% of £20.09 costs = £0.60." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2021-22",
        "name": "Homecare Association minimum price 2021/22",
        "year_label": "2021/22",
        "effective_from": "2021-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "8.91",
        "employer_ni_rate": "13.8",
        "ni_secondary_threshold_weekly": "170",
        "pension_rate": "3",
        "pension_lower_limit_weekly": "120",
        "pence_per_mile": "40",
        "running_costs_per_hour": "5.61",
        "travel_minutes_per_contact_hour": "11.7",
        "miles_per_contact_hour": "3.4",
        "source_note": (
            "Calibrated to the Homecare Association's minimum price of £21.43 per contact hour for 2021/22."
            " Statutory: National Living Wage £8.91 (April 2021); employer NI 13.8% above £170 a week; pension 3%"
            " above £120 a week."
            " Travel 11.7 minutes, 3.4 miles a contact hour at 40p a mile as in the 2020/21 breakdown (the"
            " Association changed its travel assumptions only from 2023/24); running costs £5.61 per contact"
            " hour as the calibration residual. Model total £21.43." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2022-23",
        "name": "Homecare Association minimum price 2022/23",
        "year_label": "2022/23",
        "effective_from": "2022-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "9.50",
        "employer_ni_rate": "15.05",
        "ni_secondary_threshold_weekly": "175",
        "pension_rate": "3",
        "pension_lower_limit_weekly": "120",
        "pence_per_mile": "40",
        "running_costs_per_hour": "6.28",
        "travel_minutes_per_contact_hour": "11.7",
        "miles_per_contact_hour": "3.4",
        "source_note": (
            "Calibrated to the Homecare Association's minimum price of £23.20 per contact hour for 2022/23."
            " Statutory: National Living Wage £9.50 (April 2022); employer NI 15.05% above £175 a week (the Health"
            " and Social Care Levy rate in force in April 2022, when the price was set; it fell back to 13.8% from"
            " 6 November 2022, which the April price could not know); pension 3% above £120 a week."
            " Travel 11.7 minutes, 3.4 miles a contact hour at 40p a mile as in the 2020/21 breakdown (the"
            " Association changed its travel assumptions only from 2023/24); running costs £6.28 per contact"
            " hour as the calibration residual. Model total £23.20." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2023-24",
        "name": "Homecare Association minimum price 2023/24",
        "year_label": "2023/24",
        "effective_from": "2023-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "10.42",
        "employer_ni_rate": "13.8",
        "ni_secondary_threshold_weekly": "175",
        "pension_rate": "3",
        "pension_lower_limit_weekly": "120",
        "pence_per_mile": "45",
        "running_costs_per_hour": "6.10",
        "travel_minutes_per_contact_hour": "15",
        "miles_per_contact_hour": "4.4",
        "source_note": (
            "Calibrated to the Homecare Association's headline £25.95 per contact hour (England, from April"
            " 2023); model total £25.95. Statutory: National Living Wage £10.42; employer NI 13.8% above £175"
            " a week; pension 3% above £120 a week. The Association publishes the headline, not every input,"
            " so these are ours: travel 15 minutes per contact hour (our change from 11.7, made from 2023/24,"
            " the year the Association says it reviewed its assumptions; we do not know its own figure, but 15"
            " minutes is what reproduces its 2025/26 direct employment cost of £22.71), 4.4 miles (same"
            " implied speed), 45p a mile (HMRC approved mileage rate, after the 2022 fuel price rise the"
            " Association cited), running costs £6.10 per contact hour as the"
            " calibration residual." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2024-25",
        "name": "Homecare Association minimum price 2024/25",
        "year_label": "2024/25",
        "effective_from": "2024-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "11.44",
        "employer_ni_rate": "13.8",
        "ni_secondary_threshold_weekly": "175",
        "pension_rate": "3",
        "pension_lower_limit_weekly": "120",
        "pence_per_mile": "45",
        "running_costs_per_hour": "6.83",
        "travel_minutes_per_contact_hour": "15",
        "miles_per_contact_hour": "4.4",
        "source_note": (
            "Calibrated to the Homecare Association's headline £28.53 per contact hour (England, from April"
            " 2024); model total £28.53. Statutory: National Living Wage £11.44; employer NI 13.8% above £175"
            " a week; pension 3% above £120 a week. Travel, mileage and rate as 2023/24; running costs £6.83"
            " per contact hour as the calibration residual (up 12%: office wages follow the 9.8% rise in the"
            " National Living Wage and the Association cited inflation in operating costs)." + _SHARED_NOTE
        ),
    },
    {
        "slug": "2025-26",
        "name": "Homecare Association minimum price 2025/26",
        "year_label": "2025/26",
        "effective_from": "2025-04-01",
        "is_estimate": False,
        **_SHARED,
        "hourly_pay_rate": "12.21",
        "employer_ni_rate": "15",
        "ni_secondary_threshold_weekly": "96",
        "pension_rate": "3",
        "pension_lower_limit_weekly": "120",
        "pence_per_mile": "45",
        "running_costs_per_hour": "8.44",
        "travel_minutes_per_contact_hour": "15",
        "miles_per_contact_hour": "4.4",
        "source_note": (
            "Calibrated to the Homecare Association's headline £32.14 per contact hour (England, from April"
            " 2025; NHS Band 3 equivalent £33.87); model total £32.14. Statutory: National Living Wage £12.21;"
            " employer NI 15% above £96 a week (£5,000 a year); pension 3% above £120 a week. Care worker costs"
            " (pay, on-costs and mileage) come to £22.76, against the Association's £22.71 direct cost of"
            " employing a care worker at the minimum wage. Travel, mileage and rate as 2023/24; running costs"
            " £8.44 per contact hour as the calibration residual (office staff also bear the NI rise)."
            + _SHARED_NOTE
        ),
    },
    {
        "slug": "2026-27",
        "name": "Minimum price 2026/27 (estimate)",
        "year_label": "2026/27",
        "effective_from": "2026-04-01",
        "is_estimate": True,
        **_SHARED,
        "hourly_pay_rate": "12.71",
        "employer_ni_rate": "15",
        "ni_secondary_threshold_weekly": "96",
        "pension_rate": "3",
        "pension_lower_limit_weekly": "120",
        "pence_per_mile": "45",
        "running_costs_per_hour": "8.44",
        "travel_minutes_per_contact_hour": "15",
        "miles_per_contact_hour": "4.4",
        "source_note": (
            "ESTIMATE. National Living Wage £12.71 with every other 2025/26 assumption carried forward"
            " unchanged (NI 15% above £96 a week, pension 3%, running costs £8.44 not uprated). Model total"
            " £33.04. The Homecare Association published its 2026/27 minimum price in December 2025; a"
            " third-party source quotes £34.42, which we have not confirmed. The gap is expected: running"
            " costs are not uprated for inflation here and the April 2026 Statutory Sick Pay changes are not"
            " modelled. Replace with the Association's figure once checked." + _SHARED_NOTE
        ),
    },
]
