/* TinyERP contacts (customers and suppliers): one row per contact, as of its latest extraction at or before the pinned load. Tiny keeps one name per contact (a person's or a company's legal name) and its CPF or CNPJ; orders find their customer by code or tax id. A contact whose latest version has values the connector could not type is left out here and kept in stg_tinyerp__quarantine. */
MODEL (
  name staging.stg_tinyerp__contacts,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain contact_id,
  columns (
    contact_id INT64,
    contact_code STRING,
    name STRING,
    trade_name STRING,
    person_type STRING,
    tax_id STRING,
    email STRING,
    phone STRING,
    street STRING,
    street_number STRING,
    complement STRING,
    district STRING,
    postal_code STRING,
    city STRING,
    state STRING,
    contact_status STRING,
    created_at TIMESTAMP,
    extracted_at TIMESTAMP
  ),
  tags (tinyerp, staging, pii),
  audits (
    not_null(columns := [contact_id, extracted_at]),
    unique_values(columns := [contact_id]),
    not_null_non_blocking(columns := [name]),
    accepted_values_non_blocking(column := person_type, is_in := ['F', 'J']),
    valid_email_non_blocking(column := email)
  )
);

WITH source AS (
  /* Incremental syncs re-append the contacts updated inside their lookback: keep the latest extraction up to the pinned load. */
  SELECT
    id,
    codigo,
    nome,
    fantasia,
    tipo_pessoa,
    cpf_cnpj,
    email,
    fone,
    endereco,
    numero,
    complemento,
    bairro,
    cep,
    cidade,
    uf,
    situacao,
    data_criacao,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.contacts, id, @loaded_through_tinyerp)
), renamed AS (
  SELECT
    id AS contact_id,
    NULLIF(@trim_whitespace(codigo), '') AS contact_code,
    @trim_whitespace(nome) AS name,
    NULLIF(@trim_whitespace(fantasia), '') AS trade_name,
    UPPER(@trim_whitespace(tipo_pessoa)) AS person_type,
    NULLIF(REGEXP_REPLACE(cpf_cnpj, '[^0-9]', ''), '') AS tax_id,
    NULLIF(LOWER(@trim_whitespace(email)), '') AS email,
    NULLIF(@trim_whitespace(fone), '') AS phone,
    @trim_whitespace(endereco) AS street,
    @trim_whitespace(numero) AS street_number,
    NULLIF(@trim_whitespace(complemento), '') AS complement,
    @trim_whitespace(bairro) AS district,
    @trim_whitespace(cep) AS postal_code,
    @trim_whitespace(cidade) AS city,
    @trim_whitespace(uf) AS state,
    situacao AS contact_status,
    data_criacao AS created_at,
    _airbyte_extracted_at AS extracted_at
  FROM source
  WHERE
    COALESCE(ARRAY_LENGTH(JSON_QUERY_ARRAY(_coercion_errors, '$')), 0) = 0 /* half-typed versions go to stg_tinyerp__quarantine */
)
SELECT
  contact_id::INT64 AS contact_id, /* TinyERP contact id */
  contact_code::STRING AS contact_code, /* Contact code in Tiny, e.g. C00043; NULL if empty */
  name::STRING AS name, /* Person's name or company's legal name */
  trade_name::STRING AS trade_name, /* Company's trade name (fantasia); NULL if empty */
  person_type::STRING AS person_type, /* F (person, CPF) or J (company, CNPJ) */
  tax_id::STRING AS tax_id, /* CPF or CNPJ, digits only; NULL if none */
  email::STRING AS email, /* Email address, trimmed and lower-cased; NULL if empty */
  phone::STRING AS phone, /* Phone number as typed in Tiny; NULL if empty */
  street::STRING AS street, /* Street (endereco) */
  street_number::STRING AS street_number, /* House number as typed (text: "S/N" happens) */
  complement::STRING AS complement, /* Address complement, e.g. "Sala 305"; NULL if empty */
  district::STRING AS district, /* District (bairro) */
  postal_code::STRING AS postal_code, /* CEP as typed, e.g. 90679-413 */
  city::STRING AS city, /* City */
  state::STRING AS state, /* State (UF), e.g. SP */
  contact_status::STRING AS contact_status, /* Situation in Tiny: Ativo or Excluido */
  created_at::TIMESTAMP AS created_at, /* When the contact was created in Tiny (UTC instant) */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the contact (UTC) */
FROM renamed
