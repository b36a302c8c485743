/* Exchange rates: one row per currency per rate date, read from seeds/exchange_rates.csv. They are APPROXIMATE month-start reference rates (BRL, EUR, GBP, USD from 2019-01-01 to 2026-12-01) shipped so that the local pipeline can report in one currency; they are not market data. Replace the file with your own rates (same columns; any dates, any ISO 4217 currencies) before reporting real money. A rate applies from its rate_date until the currency's next rate_date (marts.exchange_rates). units_per_usd is FLOAT64 here: SQLMesh loads a seed through pandas, which reads the CSV's decimals as floats, and the BigQuery client cannot load a float column into NUMERIC; rates of at most 6 decimals are exact enough in a double, and marts.exchange_rates rounds them to NUMERIC(18, 6). SQLMesh cannot unit-test a seed (hence ignored_rules); tests/models/marts/test_exchange_rates.yaml tests the rates through marts.exchange_rates. */
MODEL (
  name reference.exchange_rates,
  kind SEED (
    path '../../seeds/exchange_rates.csv'
  ),
  owner data_engineering,
  grain (rate_date, currency_code),
  columns (
    rate_date DATE,
    currency_code STRING,
    units_per_usd FLOAT64
  ),
  column_descriptions (
    rate_date = 'First day the rate applies',
    currency_code = 'ISO 4217 currency code',
    units_per_usd = 'Units of currency_code that one US dollar buys on rate_date (USD itself: 1)'
  ),
  tags (
    reference
  ),
  ignored_rules ['nomissingunittest'],
  audits (
    not_null(columns := [rate_date, currency_code, units_per_usd]),
    unique_combination_of_columns(columns := [rate_date, currency_code]),
    accepted_range(column := units_per_usd, min_v := 0, inclusive := FALSE)
  )
)
