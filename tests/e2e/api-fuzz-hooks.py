"""schemathesis hooks of tests/e2e/api-fuzz.fuzz.test.ts: the deliberate deviations, and nothing else.

Each one drops a single kind of failure, recognised by the problem code the API answers, where
the API is right and the check's expectation cannot hold (docs/api-fuzzing.md says why for each).
Every other failure fails the run. schemathesis reports what these hooks dropped.
"""

import schemathesis

# ST202 (positive_data_acceptance): a request valid by the document was refused.
REJECTED_POSITIVE_DATA = "ST202"


def problem_code(response):
    try:
        body = response.json()
    except Exception:
        return None, {}
    if not isinstance(body, dict):
        return None, {}
    return body.get("code"), body


def is_deviation(failure, response) -> bool:
    if failure.code != REJECTED_POSITIVE_DATA:
        return False
    code, body = problem_code(response)
    status = response.status_code
    # 1. An Idempotency-Key the generator drew again for another request: 422 is what the
    #    Idempotency-Key draft asks for a key reused with a different payload.
    if status == 422 and code == "THALWEG_IDEMPOTENCY_KEY_REUSED":
        return True
    # 2. A ledger command the processor decided and refused (funds, currency, an unknown wallet),
    #    answered with Prefer: wait: the refusal depends on the ledger's state, not on the request.
    if status == 422 and "commandId" in body and code != "THALWEG_VALIDATION_FAILED":
        return True
    # 3. A Consistency-Token the generator made up: tokens are signed by the command API, and a
    #    forged one is refused at once, whatever its form.
    if status == 400 and code == "THALWEG_CONSISTENCY_TOKEN_INVALID":
        return True
    # 4. A search filter is a small language (docs/search.md): a string the parameter's schema
    #    allows can be a syntax error, answered with its position.
    # 5. A page cursor is the API's own opaque value: a string of the cursor's characters that the
    #    API never issued is refused.
    # 6. A transfer whose destination is its source: no schema relates a body field to a path
    #    parameter.
    errors = body.get("errors")
    if status == 400 and code == "THALWEG_VALIDATION_FAILED" and isinstance(errors, list) and errors:
        return all(isinstance(error, dict) and _refused_for_its_meaning(error) for error in errors)
    return False


# What the API says of a value that is well-formed by the schema and still not one it can serve
# (every refusal of a filter comes from the filter's parser: any message).
_MEANINGS = {
    "query.filter": "",
    "query.cursor": "is not a cursor returned by this API",
    "body.destinationWalletId": "must be another wallet than the source",
}


def _refused_for_its_meaning(error) -> bool:
    expected = _MEANINGS.get(error.get("field"))
    return expected is not None and expected in str(error.get("message", ""))


@schemathesis.hook
def filter_failure(context, failure, case, response):
    return not is_deviation(failure, response)
