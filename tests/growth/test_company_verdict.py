"""The company check's verdict: a "no" outweighs everything, then what is unknown, then what is partial."""

import pytest
from django.core.exceptions import ValidationError

from growth.models import CompanyCheck, Outlook


def check(has_data="yes", use_cases="yes", must_have="yes", **extra):
    return CompanyCheck(company="Acme", has_data=has_data, use_cases=use_cases, must_have=must_have, **extra)


def test_three_yeses_are_promising_and_say_why():
    verdict = check().verdict
    assert verdict.outlook == Outlook.PROMISING
    assert "more than one ML use case" in verdict.summary


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"has_data": "no"}, "there is no machine learning to do"),
        ({"use_cases": "no"}, "maintenance and other development"),
        ({"must_have": "no"}, "nice-to-have"),
    ],
)
def test_any_no_means_think_twice_and_names_the_risk_it_brings(answers, words):
    verdict = check(**answers).verdict
    assert verdict.outlook == Outlook.THINK_TWICE
    assert words in verdict.summary


def test_a_no_outweighs_a_dont_know_and_both_are_explained():
    verdict = check(has_data="no", must_have="unknown").verdict
    assert verdict.outlook == Outlook.THINK_TWICE
    assert len(verdict.reasons) == 2
    assert "whether an ML feature has shipped" in verdict.reasons[1]


def test_dont_know_without_a_no_says_what_to_ask():
    verdict = check(use_cases="unknown", must_have="partly").verdict
    assert verdict.outlook == Outlook.FIND_OUT
    assert verdict.reasons[0] == "Ask how many ML projects they run or plan."
    assert "the will to ship ML" in verdict.reasons[1]


def test_a_new_check_with_nothing_answered_asks_all_three_questions():
    verdict = CompanyCheck(company="Acme").verdict
    assert verdict.outlook == Outlook.FIND_OUT
    assert verdict.reasons[0] == (
        "Ask what data they hold and how they collect more, how many ML projects they run or plan "
        "and whether an ML feature has shipped and who asked for it."
    )


def test_partly_and_yes_is_worth_a_closer_look_naming_what_is_partial():
    verdict = check(has_data="partly", use_cases="partly").verdict
    assert verdict.outlook == Outlook.CLOSER_LOOK
    assert "the data and the use cases" in verdict.summary


def test_a_person_cannot_check_the_same_company_twice_whatever_the_capitals(owner, other):
    CompanyCheck.objects.create(user=owner, company="Acme")
    duplicate = CompanyCheck(user=owner, company=" ACME ")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert caught.value.error_dict["company"][0].code == "duplicate"
    # Someone else may check the same company.
    CompanyCheck(user=other, company="Acme").full_clean()
