"""SourceStore's claims in transactions: how DynamoDB's cancellation reasons decide each claim (a scripted client)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from newsingest.storage.sources import ClaimsUndecided, SourceStore

NOW = 1_714_560_000


class ScriptedDynamoDB:
    """Answers BatchGetItem with nothing sent, and each TransactWriteItems with the next scripted outcome: None
    (committed) or the cancellation reason codes, claim by claim, of the claims it was sent."""

    def __init__(self, *outcomes: list[str] | None | ClientError) -> None:
        self.outcomes = list(outcomes)
        self.transactions: list[list[str]] = []  # the article ids each transaction claimed

    def batch_get_item(self, **_: Any) -> dict[str, Any]:
        return {"Responses": {}}

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:  # boto3's parameter name
        self.transactions.append([item["Put"]["Item"]["pk"]["S"].removeprefix("seen#") for item in TransactItems])
        assert all(item["Put"]["ConditionExpression"].startswith("attribute_not_exists(pk)") for item in TransactItems)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, ClientError):
            raise outcome
        if outcome is not None:
            raise ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                               "CancellationReasons": [{"Code": code} for code in outcome]}, "TransactWriteItems")
        return {}


def _claims(*articles: str) -> list[tuple[str, str, str]]:
    return [(f"https://example.com/{article}", article, "src") for article in articles]


def test_a_committed_transaction_wins_every_claim_in_it() -> None:
    # Given a table that commits
    db = ScriptedDynamoDB(None)

    # When three URLs are claimed / Then all three are won, in one call
    assert SourceStore(db, "t").claim_urls(_claims("a", "b", "c"), NOW).claimed == [
        "https://example.com/a", "https://example.com/b", "https://example.com/c"]
    assert db.transactions == [["a", "b", "c"]]


def test_a_cancelled_transaction_loses_the_failed_conditions_and_claims_the_rest_again() -> None:
    # Given a first transaction cancelled because b was claimed already and c met a concurrent write
    db = ScriptedDynamoDB(["None", "ConditionalCheckFailed", "TransactionConflict"], None)

    # When a, b and c are claimed
    result = SourceStore(db, "t").claim_urls(_claims("a", "b", "c"), NOW)

    # Then b is lost, a and c are won by a second transaction without b
    assert result.claimed == ["https://example.com/a", "https://example.com/c"] and result.already_seen == 1
    assert db.transactions == [["a", "b", "c"], ["a", "c"]]


def test_claims_that_keep_conflicting_are_left_undecided_rather_than_guessed() -> None:
    # Given a table where c conflicts every time
    db = ScriptedDynamoDB(*[["None", "TransactionConflict"]] * 4)

    # When a and c are claimed / Then after four transactions the poll is told: a, held back with c each time, is
    # no more decided than c, and neither is counted as won or lost
    with pytest.raises(ClaimsUndecided, match="2 claim"):
        SourceStore(db, "t").claim_urls(_claims("a", "c"), NOW)
    assert len(db.transactions) == 4


@pytest.mark.parametrize("answer", [
    ["None", "ValidationError"],  # a claim refused outright is a fault, not a lost race
    ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                "TransactWriteItems"),  # botocore's own retries are spent: the poll's failure path takes it
])
def test_a_refusal_that_is_not_a_lost_race_is_raised(answer: list[str] | ClientError) -> None:
    # Given a table that refuses a transaction for another reason than a condition
    db = ScriptedDynamoDB(answer)

    # When claims are made / Then the error reaches the caller (the poll releases nothing it did not claim)
    with pytest.raises(ClientError):
        SourceStore(db, "t").claim_urls(_claims("a", "b"), NOW)


def test_more_than_a_hundred_claims_go_in_transactions_of_a_hundred() -> None:
    # Given a table that commits everything
    db = ScriptedDynamoDB(None, None, None)

    # When 250 URLs are claimed
    result = SourceStore(db, "t").claim_urls(_claims(*(f"u{n}" for n in range(250))), NOW)

    # Then all are won, by three transactions of at most 100, each article in exactly one
    assert len(result.claimed) == 250
    assert sorted(len(claimed) for claimed in db.transactions) == [50, 100, 100]
    assert sorted(article for claimed in db.transactions for article in claimed) == sorted(
        f"u{n}" for n in range(250))


class HalfRefusingDynamoDB(ScriptedDynamoDB):
    """Commits every transaction but the one that claims ``refused`` (throttled past botocore's retries); records
    the claims deleted."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused
        self.deleted: list[str] = []

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:  # boto3's parameter name
        articles = [item["Put"]["Item"]["pk"]["S"].removeprefix("seen#") for item in TransactItems]
        self.transactions.append(articles)
        if self.refused in articles:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                              "TransactWriteItems")
        return {}

    def delete_item(self, TableName: str, Key: dict[str, Any]) -> dict[str, Any]:  # boto3's parameter names
        self.deleted.append(Key["pk"]["S"].removeprefix("seen#"))
        return {}


def test_when_one_transaction_fails_the_claims_the_others_won_are_released() -> None:
    # Given 150 URLs to claim (two transactions), and a table that refuses the one holding u120
    db = HalfRefusingDynamoDB("u120")

    # When they are claimed / Then the error reaches the poll (which sends none of them) and the 100 claims the
    # other transaction won are deleted again, so the next poll offers those URLs as new
    with pytest.raises(ClientError):
        SourceStore(db, "t").claim_urls(_claims(*(f"u{n}" for n in range(150))), NOW)
    assert sorted(db.deleted) == sorted(f"u{n}" for n in range(100))
