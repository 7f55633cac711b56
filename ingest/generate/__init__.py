"""Deterministic synthetic e-commerce landing data for the six raw sources.

``generate(out, scale=1.0, seed=42, days=28, start_date=date(2026, 10, 1), fault_rate=0.0)``
(CLI: ``python -m ingest generate --out DIR --scale S --seed N [--days D]
[--start-date YYYY-MM-DD] [--fault-rate F]``) writes::

    out/sales/sales_YYYY-MM-DD.csv                      date,product_id,quantity,price,customer_id
    out/products/products_YYYY-MM-DD.csv                full catalog snapshot of the day
    out/user_behavior/user_behavior_YYYY-MM-DD.csv      one row per visit (session)
    out/transactions/transactions_YYYY-MM-DD.parquet    one payment per purchase event
    out/events/YYYY-MM-DD/events_YYYY-MM-DDTHH.jsonl    clickstream, one file per UTC hour
    out/customers/customers_YYYY-MM-DD.csv              customer records: day 1 all, then changes
    out/_manifest.json                                  arguments, universe, per-source counts
    out/_faults.csv                                     one line per injected fault

Same arguments, same bytes (numpy streams seeded per source and day, fixed formatting,
Parquet with fixed writer settings); a shorter run is a prefix of a longer one; the clean
rows do not depend on the fault rate. Scale 1 is about 100k sales lines and 100k events over
28 days (scale 100: about 10M each); memory is bounded by one day, rendered in chunks.

The data: ``8000 x scale`` users (ids from 100001, skewed activity, a device time zone that
shows in event timestamps as ``Z``, ``+00:00``, ``+02:00``, ``-05:00`` or ``+05:30``) and
``1000 x sqrt(scale)`` products (ids from 10001) in electronics, clothing, books, home and
sports, Zipf-like popularity, prices ending in .99 up to 5000; every day some prices and
ratings change (``updated_at`` moves) and new products appear. Sessions follow a daily curve
(a later one at weekends) and weekly volumes (more at weekends); events in a session are
seconds to minutes apart (some exactly 29:59 and 30:00), sessions of a user more than 30
minutes apart (some exactly 30:01), so a 30-minute rule (gap <= 30:00 stays in the session)
rebuilds exactly the visits of ``user_behavior`` (page_views = page_view events, duration =
first to last event). Purchases carry ``amount = quantity x price`` of that day's catalog, and
each has a payment in ``transactions`` (Parquet: transaction_id int64, user_id int64, amount
decimal128(18,2), timestamp timestamp[us] naive UTC). Sales are the day's web purchases plus
other channels' lines at that day's catalog price, without exact duplicates.

Personal data (ingest.generate.customers): every user is a customer with an email, a name, a
country and consent flags (marketing consent, CCPA do-not-sell) that change for a few
customers every day; page views carry the user's IP address and browser, and about one
search in 40 is the user's own email address.

Faults (``--fault-rate F``: about F of each source's rows, one fault per faulty row; until a
source has had every kind, a file gets one of each missing kind, so small sets cover all):

=====================  ===============================================  =======================
fault                  where                                            expected_reason
=====================  ===============================================  =======================
null_value             empty CSV field, JSON null or missing key,       missing_<column>
                       Parquet null
unparsable_number      "abc", "twelve", "12.3.4", "#VALUE!", "1O"       invalid_<column>
unparsable_date        "2026-13-45", "yesterday", "2026-10-01 25:61"    invalid_<column>
non_positive_value     sales quantity/price 0 or negative, products     out_of_range_<column>
                       price negative, purchase/transaction amount
out_of_range_value     page_views > 1000, session_duration > 7200,      out_of_range_<column>
                       rating > 5, products price > 10000
unknown_category       products category "toys", "garden", ...          unknown_category
unknown_event_type     "wishlist_add", "share", ...                     unknown_event_type
data_not_an_object     events data "oops", [1,2], 42                    invalid_data
missing_amount         purchase event without data.amount               missing_amount
duplicate_row          sales: exact copy appended (the copy is the      (empty: both kept)
                       fault); user_behavior (user_id, timestamp) and   duplicate
                       transactions transaction_id, customers
                       (customer_id, updated_at) re-sent at the end
                       of the file (the earlier row is the fault)
wrong_column_count     CSV line with a field too few or too many        quarantine
malformed_json         truncated line or single-quoted keys             quarantine
unparsable_boolean     customers consent flag "yes", "maybe", "2" ...   invalid_<column>
invalid_email          customers email "not-an-email", "someone@" ...   invalid_email
=====================  ===============================================  =======================
"""

from ingest.errors import GenerateError
from ingest.generate.config import GENERATOR_VERSION
from ingest.generate.core import GenerateResult, generate

__all__ = ["GENERATOR_VERSION", "GenerateError", "GenerateResult", "generate"]
