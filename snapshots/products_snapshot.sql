{#
    The catalog's SCD type 2 history (its properties, tests and the reason it exists beside
    int_product_prices_history are in _snapshots.yml). Defined in SQL, not as a YAML-only
    snapshot (`relation:` in the yml): dbt-core 1.11's partial parsing drops a YAML-only
    snapshot, with its tests, from the manifest when a macro its tests call changes
    (dbt-core issue 10903 and its family), so the next `dbt build` silently skipped it.
    tests/python/test_dbt_reliability.py checks that it survives such a change.
#}
{% snapshot products_snapshot %}

    {{ config(
        unique_key='product_id',
        strategy='check',
        check_cols=['product_name', 'category', 'price', 'rating']
    ) }}

    select
        product_id,
        product_name,
        category,
        price,
        rating,
        updated_at,
        snapshot_date,
        first_snapshot_date,
        is_in_latest_snapshot,
        _batch_id,
        _source_file,
        _row_number,
        _loaded_at
    from {{ ref('int_products_current') }}

{% endsnapshot %}
