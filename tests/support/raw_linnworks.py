"""The raw Linnworks tables exactly as PyAirbyte's DuckDB cache writes them from the stock connector
airbyte-source-linnworks (column names and types copied from a warehouse synced from the local
simulator), for tests that build a small warehouse by hand (one copy, so a change of Airbyte's
layout is made once). Next to support.raw_fakestore and support.raw_tinyerp: a warehouse the
project's models plan into needs every source's raw tables.

Numbers are DECIMAL(38, 9), date-times TIMESTAMP WITH TIME ZONE (instants), objects and arrays JSON
with their keys in Linnworks' case, top-level keys lower-cased (pkOrderID -> pkorderid).
`_airbyte_meta` carries the sync id the runner stamps (`{"sync_id": N}`): the rows of one read of
stock_items are one stock snapshot (stg_linnworks__stock_levels).
"""

import json

import duckdb

from support.raw_rows import append_records

RAW_DDL = """
CREATE SCHEMA raw_linnworks;
CREATE TABLE raw_linnworks.stock_locations (
  stocklocationid VARCHAR, stocklocationintid BIGINT, locationname VARCHAR,
  isfulfillmentcenter BOOLEAN, locationtag VARCHAR, binrack VARCHAR, iswarehousemanaged BOOLEAN,
  address1 VARCHAR, address2 VARCHAR, city VARCHAR, county VARCHAR, country VARCHAR,
  zipcode VARCHAR, countinorderuntilacknowledgement BOOLEAN,
  fulfilmentcenterdeductstockwhenprocessed BOOLEAN, isnottrackable BOOLEAN,
  _airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
CREATE TABLE raw_linnworks.stock_location_details (
  address1 VARCHAR, address2 VARCHAR, city VARCHAR, county VARCHAR, country VARCHAR,
  zipcode VARCHAR, isnottrackable BOOLEAN, locationtag VARCHAR,
  countinorderuntilacknowledgement BOOLEAN, fulfilmentcenterdeductstockwhenprocessed BOOLEAN,
  iswarehousemanaged BOOLEAN, stocklocationid VARCHAR, locationname VARCHAR,
  isfulfillmentcenter BOOLEAN, stocklocationintid BIGINT, _airbyte_raw_id VARCHAR,
  _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
CREATE TABLE raw_linnworks.stock_items (
  suppliers JSON, stocklevels JSON, itemchanneldescriptions JSON, itemextendedproperties JSON,
  itemchanneltitles JSON, itemchannelprices JSON, images JSON, itemnumber VARCHAR,
  itemtitle VARCHAR, barcodenumber VARCHAR, metadata VARCHAR, isbatchedstocktype BOOLEAN,
  purchaseprice DECIMAL(38, 9), retailprice DECIMAL(38, 9), taxrate DECIMAL(38, 9),
  postalserviceid VARCHAR, postalservicename VARCHAR, categoryid VARCHAR, categoryname VARCHAR,
  packagegroupid VARCHAR, packagegroupname VARCHAR, height DECIMAL(38, 9), width DECIMAL(38, 9),
  depth DECIMAL(38, 9), weight DECIMAL(38, 9), creationdate TIMESTAMP WITH TIME ZONE,
  inventorytrackingtype BIGINT, batchnumberscanrequired BOOLEAN, serialnumberscanrequired BOOLEAN,
  stockitemid VARCHAR, stockitemintid BIGINT, _airbyte_raw_id VARCHAR,
  _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
CREATE TABLE raw_linnworks.processed_orders (
  pkorderid VARCHAR, cshippingaddress VARCHAR, dreceiveddate TIMESTAMP WITH TIME ZONE,
  dprocessedon TIMESTAMP WITH TIME ZONE, timediff DECIMAL(38, 9), fpostagecost DECIMAL(38, 9),
  ftotalcharge DECIMAL(38, 9), postagecostextax DECIMAL(38, 9), subtotal DECIMAL(38, 9),
  ftax DECIMAL(38, 9), totaldiscount DECIMAL(38, 9), profitmargin DECIMAL(38, 9),
  countrytaxrate DECIMAL(38, 9), norderid BIGINT, nstatus BIGINT, ccurrency VARCHAR,
  postaltrackingnumber VARCHAR, ccountry VARCHAR, source VARCHAR, postalservicename VARCHAR,
  postalservicecode VARCHAR, vendor VARCHAR, billingemailaddress VARCHAR, referencenum VARCHAR,
  secondaryreference VARCHAR, externalreference VARCHAR, address1 VARCHAR, address2 VARCHAR,
  address3 VARCHAR, town VARCHAR, region VARCHAR, buyerphonenumber VARCHAR, company VARCHAR,
  subsource VARCHAR, channelbuyername VARCHAR, accountname VARCHAR, cfullname VARCHAR,
  cemailaddress VARCHAR, cpostcode VARCHAR, dpaidon TIMESTAMP WITH TIME ZONE,
  dcancelledon TIMESTAMP WITH TIME ZONE, packagecategory VARCHAR, packagetitle VARCHAR,
  itemweight DECIMAL(38, 9), totalweight DECIMAL(38, 9), foldercollection VARCHAR,
  cbillingaddress VARCHAR, billingname VARCHAR, billingcompany VARCHAR, billingaddress1 VARCHAR,
  billingaddress2 VARCHAR, billingaddress3 VARCHAR, billingtown VARCHAR, billingregion VARCHAR,
  billingpostcode VARCHAR, billingcountryname VARCHAR, billingphonenumber VARCHAR,
  holdorcancel BOOLEAN, isresend BOOLEAN, isexchange BOOLEAN, taxid VARCHAR,
  fulfilmentlocationname VARCHAR, _airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP,
  _airbyte_meta JSON
);
CREATE TABLE raw_linnworks.processed_order_details (
  orderid VARCHAR, numorderid BIGINT, processed BOOLEAN,
  processeddatetime TIMESTAMP WITH TIME ZONE, fulfilmentlocationid VARCHAR, generalinfo JSON,
  shippinginfo JSON, customerinfo JSON, totalsinfo JSON, extendedproperties JSON, foldername JSON,
  items JSON, notes JSON, paiddatetime TIMESTAMP WITH TIME ZONE, taxid VARCHAR,
  _airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
"""
TABLES = (
    "stock_locations",
    "stock_location_details",
    "stock_items",
    "processed_orders",
    "processed_order_details",
)
META = '{"sync_id":1}'  # _airbyte_meta as the runner stamps the first sync's rows

# One consistent record per stream (good rows only), for a hand-built warehouse that must pass every
# suite: the Default location, one stock item stocked there, and one paid GBP order of two units of
# it. Amounts: 2 x 7.99 = 15.98, tax 20% = 3.20, line 19.18; postage 3.99 + 0.80 tax = 4.79; order
# tax 4.00, total 15.98 + 3.99 + 4.00 = 23.97; margin 15.98 - 2 x 4.17 = 7.64. Stock: 141 units,
# 2 in orders, 139 available, worth 141 x 4.17 = 587.97.
LOCATION_ID = "00000000-0000-0000-0000-000000000000"
STOCK_ITEM_ID = "1afcb778-ba4c-4ab7-8b88-3bdf6d8189d0"
ORDER_ID = "fe27fc8a-b007-406f-8988-421f065471f9"
_LEVELS = [
    {"Location": {"StockLocationId": LOCATION_ID, "LocationName": "Default"}, "StockLevel": 141,
     "Available": 139, "InOrders": 2, "Due": 0, "MinimumLevel": 10, "UnitCost": 4.17, "StockValue": 587.97,
     "LastUpdateDate": "2026-11-20T15:38:06.442Z"},
]  # fmt: skip
_ITEMS = [
    {"ItemId": "7b177be4-ee0d-4b0d-bf0a-82eccec6cbe3", "StockItemId": STOCK_ITEM_ID, "StockItemIntId": 1,
     "SKU": "MUG-SAG-0001", "ItemTitle": "Stoneware Mug - Sage", "BarcodeNumber": "5005460000008",
     "Quantity": 2, "PricePerUnit": 7.99, "UnitCost": 4.17, "Cost": 15.98, "CostIncTax": 19.18, "Tax": 3.2,
     "TaxRate": 20, "Discount": 0.0, "ItemSource": "AMAZON", "RowId": "bce49659-3e56-45df-89d7-796cd9513175"},
]  # fmt: skip
_TOTALS = {"Subtotal": 15.98, "PostageCost": 4.79, "PostageCostExTax": 3.99, "Tax": 4.0, "TotalCharge": 23.97,
           "TotalDiscount": 0.0, "ProfitMargin": 7.64, "CountryTaxRate": 20, "Currency": "GBP",
           "ConversionRate": 1.0, "TotalRefunded": 0.0}  # fmt: skip
_GENERAL = {"Status": 1, "Marker": 0, "HoldOrCancel": False, "ReferenceNum": "206-5476095-0948138",
            "SecondaryReference": "", "ReceivedDate": "2026-11-19T10:00:00.000Z", "Source": "AMAZON",
            "SubSource": "amazon.co.uk", "NumItems": 2}  # fmt: skip
_CUSTOMER = {"Address": {"FullName": "Leo Miller", "EmailAddress": "leo.miller66@gmail.com",
                         "Country": "United Kingdom", "PostCode": "SW7 2GD"}}  # fmt: skip
_LOCATION = {"stocklocationid": LOCATION_ID, "stocklocationintid": 1, "locationname": "Default",
             "isfulfillmentcenter": False, "locationtag": "", "iswarehousemanaged": False}  # fmt: skip
SAMPLE_RECORDS: dict[str, list[dict[str, object]]] = {
    "stock_locations": [{**_LOCATION, "binrack": ""}],
    "stock_location_details": [
        {**_LOCATION, "address1": "Unit 4, Trafford Park Road", "address2": "", "city": "Manchester",
         "county": "Greater Manchester", "country": "United Kingdom", "zipcode": "M17 1HG",
         "isnottrackable": False, "countinorderuntilacknowledgement": False,
         "fulfilmentcenterdeductstockwhenprocessed": False},
    ],
    "stock_items": [
        {"stockitemid": STOCK_ITEM_ID, "stockitemintid": 1, "itemnumber": "MUG-SAG-0001",
         "itemtitle": "Stoneware Mug - Sage", "barcodenumber": "5005460000008", "purchaseprice": "4.17",
         "retailprice": "7.99", "taxrate": "20", "creationdate": "2025-02-05 10:34:44.358+00",
         "stocklevels": json.dumps(_LEVELS)},
    ],
    "processed_orders": [
        {"pkorderid": ORDER_ID, "norderid": 100001, "dreceiveddate": "2026-11-19 10:00:00+00",
         "dprocessedon": "2026-11-20 08:00:00+00", "dpaidon": "2026-11-19 10:05:00+00", "nstatus": 1,
         "holdorcancel": False, "source": "AMAZON", "subsource": "amazon.co.uk", "ccurrency": "GBP",
         "ftotalcharge": "23.97", "subtotal": "15.98", "ftax": "4.00", "fpostagecost": "4.79",
         "postagecostextax": "3.99", "totaldiscount": "0", "profitmargin": "7.64", "countrytaxrate": "20",
         "ccountry": "United Kingdom", "referencenum": "206-5476095-0948138", "secondaryreference": "",
         "cfullname": "Leo Miller", "cemailaddress": "leo.miller66@gmail.com", "cpostcode": "SW7 2GD"},
    ],
    "processed_order_details": [
        {"orderid": ORDER_ID, "numorderid": 100001, "processed": True,
         "processeddatetime": "2026-11-20 08:00:00+00", "paiddatetime": "2026-11-19 10:05:00+00",
         "generalinfo": json.dumps(_GENERAL), "customerinfo": json.dumps(_CUSTOMER),
         "totalsinfo": json.dumps(_TOTALS), "items": json.dumps(_ITEMS)},
    ],
}  # fmt: skip


def insert_sample_records(con: duckdb.DuckDBPyConnection, extracted_at: str) -> None:
    """Append SAMPLE_RECORDS, extracted at `extracted_at` (naive UTC) by sync 1, to the tables of
    RAW_DDL; the columns a record leaves out are NULL, as when the connector omits a null field."""
    append_records(con, "raw_linnworks", SAMPLE_RECORDS, extracted_at, META)
