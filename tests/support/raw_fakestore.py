"""The raw FakeStore tables exactly as PyAirbyte's DuckDB cache writes them, for tests that build
a small warehouse by hand (one copy, so a change of Airbyte's layout is made once)."""

RAW_DDL = """
CREATE SCHEMA raw_fakestore;
CREATE TABLE raw_fakestore.products (
  id BIGINT, title VARCHAR, price DECIMAL(38, 9), description VARCHAR, category VARCHAR,
  image VARCHAR, rating JSON, _airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
CREATE TABLE raw_fakestore.users (
  address JSON, id BIGINT, email VARCHAR, username VARCHAR, name JSON, phone VARCHAR, __v BIGINT,
  _airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
CREATE TABLE raw_fakestore.carts (
  id BIGINT, userid BIGINT, date TIMESTAMP WITH TIME ZONE, products JSON, __v BIGINT,
  _airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
"""
META = '{"changes":[],"sync_id":1}'
ADDRESS = (
    '{"geolocation":{"lat":"-37.3159","long":"81.1496"},"city":"kilcoole",'
    '"street":"new road","number":7682,"zipcode":"12926-3874"}'
)
