"""The raw TinyERP tables exactly as PyAirbyte's DuckDB cache writes them from
connectors/source-tinyerp (column names and types copied from a warehouse synced from the local
simulator), for tests that build a small warehouse by hand (one copy, so a change of Airbyte's
layout is made once). Next to support.raw_fakestore.RAW_DDL: a warehouse the project's models plan
into needs both, because the staging and marts models read both sources.

Numbers are DECIMAL(38, 9), date-times TIMESTAMP WITH TIME ZONE (instants), objects and arrays JSON,
camelCase keys lower-cased (valorIPI -> valoripi; keys inside JSON keep their case). Every stream
has `_coercion_errors` (a JSON array, `[]` when the connector typed every value); the staging models
leave out, and stg_tinyerp__quarantine keeps, the records whose list is not empty.
"""

import json

import duckdb

from support.raw_rows import append_records

RAW_DDL = """
CREATE SCHEMA raw_tinyerp;
CREATE TABLE raw_tinyerp.orders (
  id BIGINT, numero BIGINT, numero_ecommerce VARCHAR, data_pedido TIMESTAMP WITH TIME ZONE,
  data_prevista TIMESTAMP WITH TIME ZONE, data_faturamento TIMESTAMP WITH TIME ZONE,
  data_envio TIMESTAMP WITH TIME ZONE, data_entrega TIMESTAMP WITH TIME ZONE,
  id_lista_preco BIGINT, descricao_lista_preco VARCHAR, cliente JSON, endereco_entrega JSON,
  itens JSON, parcelas JSON, marcadores JSON, condicao_pagamento VARCHAR, forma_pagamento VARCHAR,
  meio_pagamento VARCHAR, nome_transportador VARCHAR, frete_por_conta VARCHAR,
  valor_frete DECIMAL(38, 9), valor_desconto VARCHAR, valor_desconto_tipo VARCHAR,
  valor_desconto_valor DECIMAL(38, 9), valor_desconto_percentual DECIMAL(38, 9),
  outras_despesas DECIMAL(38, 9), total_produtos DECIMAL(38, 9), total_pedido DECIMAL(38, 9),
  numero_ordem_compra VARCHAR, deposito VARCHAR, forma_envio VARCHAR, forma_frete VARCHAR,
  situacao VARCHAR, obs VARCHAR, obs_interna VARCHAR, id_vendedor BIGINT, nome_vendedor VARCHAR,
  codigo_rastreamento VARCHAR, url_rastreamento VARCHAR, id_nota_fiscal BIGINT, ecommerce JSON,
  intermediador JSON, pagamentos_integrados JSON, _scan_started_at TIMESTAMP WITH TIME ZONE,
  _ab_cdc_deleted_at TIMESTAMP WITH TIME ZONE, _coercion_errors JSON, _airbyte_raw_id VARCHAR,
  _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
CREATE TABLE raw_tinyerp.pos_sales (
  id BIGINT, numero BIGINT, data TIMESTAMP WITH TIME ZONE, frete DECIMAL(38, 9), desconto VARCHAR,
  desconto_tipo VARCHAR, desconto_valor DECIMAL(38, 9), desconto_percentual DECIMAL(38, 9),
  valoricmssubst DECIMAL(38, 9), valoripi DECIMAL(38, 9), totalprodutos DECIMAL(38, 9),
  totalvenda DECIMAL(38, 9), freteporconta VARCHAR, pesoliquido DECIMAL(38, 9),
  pesobruto DECIMAL(38, 9), observacoes VARCHAR, formapagamento VARCHAR, situacao VARCHAR,
  contato JSON, enderecoentrega JSON, itens JSON, parcelas JSON,
  _scan_started_at TIMESTAMP WITH TIME ZONE, _coercion_errors JSON, _airbyte_raw_id VARCHAR,
  _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
CREATE TABLE raw_tinyerp.products (
  id BIGINT, data_criacao TIMESTAMP WITH TIME ZONE, nome VARCHAR, codigo VARCHAR, unidade VARCHAR,
  preco DECIMAL(38, 9), preco_promocional DECIMAL(38, 9), ncm VARCHAR, origem VARCHAR,
  gtin VARCHAR, gtin_embalagem VARCHAR, localizacao VARCHAR, peso_liquido DECIMAL(38, 9),
  peso_bruto DECIMAL(38, 9), estoque_minimo DECIMAL(38, 9), estoque_maximo DECIMAL(38, 9),
  id_fornecedor BIGINT, nome_fornecedor VARCHAR, codigo_fornecedor VARCHAR,
  codigo_pelo_fornecedor VARCHAR, unidade_por_caixa VARCHAR, preco_custo DECIMAL(38, 9),
  preco_custo_medio DECIMAL(38, 9), situacao VARCHAR, tipo VARCHAR, classe_ipi VARCHAR,
  valor_ipi_fixo DECIMAL(38, 9), cod_lista_servicos VARCHAR, descricao_complementar VARCHAR,
  obs VARCHAR, garantia VARCHAR, cest VARCHAR, tipovariacao VARCHAR, variacoes JSON,
  idprodutopai BIGINT, sob_encomenda VARCHAR, dias_preparacao BIGINT, marca VARCHAR,
  tipoembalagem VARCHAR, alturaembalagem DECIMAL(38, 9), comprimentoembalagem DECIMAL(38, 9),
  larguraembalagem DECIMAL(38, 9), diametroembalagem DECIMAL(38, 9), qtd_volumes BIGINT,
  categoria VARCHAR, anexos JSON, imagens_externas JSON, classe_produto VARCHAR, seo_title VARCHAR,
  seo_keywords VARCHAR, link_video VARCHAR, seo_description VARCHAR, slug VARCHAR,
  _coercion_errors JSON, _airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP,
  _airbyte_meta JSON
);
CREATE TABLE raw_tinyerp.contacts (
  id BIGINT, codigo VARCHAR, nome VARCHAR, tipo_pessoa VARCHAR, fantasia VARCHAR, cpf_cnpj VARCHAR,
  endereco VARCHAR, numero VARCHAR, complemento VARCHAR, bairro VARCHAR, cep VARCHAR,
  cidade VARCHAR, uf VARCHAR, email VARCHAR, fone VARCHAR, situacao VARCHAR, id_vendedor BIGINT,
  nome_vendedor VARCHAR, data_criacao TIMESTAMP WITH TIME ZONE,
  _scan_started_at TIMESTAMP WITH TIME ZONE, _coercion_errors JSON, _airbyte_raw_id VARCHAR,
  _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
CREATE TABLE raw_tinyerp.invoices (
  id BIGINT, tipo VARCHAR, serie VARCHAR, numero VARCHAR, numero_ecommerce VARCHAR,
  data_emissao TIMESTAMP WITH TIME ZONE, cliente JSON, endereco_entrega JSON, transportador JSON,
  valor DECIMAL(38, 9), valor_produtos DECIMAL(38, 9), valor_frete DECIMAL(38, 9),
  id_vendedor BIGINT, nome_vendedor VARCHAR, situacao VARCHAR, descricao_situacao VARCHAR,
  chave_acesso VARCHAR, id_forma_envio BIGINT, codigo_rastreamento VARCHAR,
  url_rastreamento VARCHAR, _coercion_errors JSON, _airbyte_raw_id VARCHAR,
  _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON
);
"""
TABLES = ("orders", "pos_sales", "products", "contacts", "invoices")
META = "{}"  # _airbyte_meta as the cache writes it for a record without changes
NO_COERCION_ERRORS = "[]"


# One consistent record per stream (good rows only), for a hand-built warehouse that must pass every
# suite: an order of two lines (one sold by weight) with a 10% discount, its POS view, the two
# products, the ordering customer and the order's invoice. Amounts: 0.75 x 189.90 = 142.43 and
# 2 x 22.90 = 45.80, items 188.23, discount 10% = 18.82, shipping 12.90, total 182.31.
_CUSTOMER = {
    "codigo": "C00043",
    "nome": "Mercado Pão Nosso EIRELI",
    "tipo_pessoa": "J",
    "cpf_cnpj": "34.428.530/0001-57",
    "cidade": "Belo Horizonte",
    "uf": "MG",
    "email": "mercadopaonosso@outlook.com",
}
_ITEMS = [
    {"id_produto": 512300464, "codigo": "QQU-0073", "descricao": "Queijo Canastra", "unidade": "KG",
     "quantidade": 0.75, "valor_unitario": 189.9, "informacao_adicional": ""},
    {"id_produto": 512300116, "codigo": "DDO-0002", "descricao": "Doce de Leite 400g", "unidade": "UN",
     "quantidade": 2.0, "valor_unitario": 22.9, "informacao_adicional": ""},
]  # fmt: skip
_ECOMMERCE = {"id": 10231, "numeroPedidoEcommerce": "LV-100201", "numeroPedidoCanalVenda": "",
              "nomeEcommerce": "Loja Virtual"}  # fmt: skip
SAMPLE_RECORDS: dict[str, list[dict[str, object]]] = {
    "orders": [
        {"id": 884100008, "numero": 10001, "numero_ecommerce": "LV-100201",
         "data_pedido": "2025-10-01 00:00:00-03:00", "cliente": json.dumps(_CUSTOMER),
         "itens": json.dumps(_ITEMS), "parcelas": "[]", "marcadores": "[]", "forma_pagamento": "pix",
         "nome_transportador": "Correios", "valor_frete": "12.90", "valor_desconto": "10%",
         "valor_desconto_tipo": "percentual", "valor_desconto_percentual": "10", "outras_despesas": "0",
         "total_produtos": "188.23", "total_pedido": "182.31", "situacao": "Entregue", "id_nota_fiscal": 0,
         "ecommerce": json.dumps(_ECOMMERCE), "_scan_started_at": "2026-11-21 06:00:00-03:00"},
    ],
    "pos_sales": [
        {"id": 884100008, "numero": 10001, "data": "2025-10-01 00:00:00-03:00", "frete": "12.90",
         "desconto": "10%", "desconto_tipo": "percentual", "desconto_percentual": "10",
         "valoricmssubst": "0", "valoripi": "0", "totalprodutos": "188.23", "totalvenda": "182.31",
         "pesoliquido": "1.55", "pesobruto": "1.67", "formapagamento": "PIX", "situacao": "Faturado",
         "contato": json.dumps({"nome": _CUSTOMER["nome"], "tipo": "J", "cpfCnpj": _CUSTOMER["cpf_cnpj"]}),
         "itens": '[{"id":990000001,"idProduto":512300464},{"id":990000002,"idProduto":512300116}]',
         "parcelas": "[]", "_scan_started_at": "2026-11-21 06:00:00-03:00"},
    ],
    "products": [
        {"id": 512300464, "data_criacao": "2024-12-20 13:33:03-03:00", "nome": "Queijo Canastra",
         "codigo": "QQU-0073", "unidade": "KG", "preco": "189.90", "preco_promocional": "0",
         "gtin": "7895236900612", "preco_custo": "95.50", "situacao": "A", "tipo": "P", "tipovariacao": "N",
         "marca": "Fazenda Boa Vista", "categoria": "Frios >> Queijos"},
        {"id": 512300116, "data_criacao": "2025-02-07 17:25:36-03:00", "nome": "Doce de Leite 400g",
         "codigo": "DDO-0002", "unidade": "UN", "preco": "22.90", "preco_promocional": "0",
         "gtin": "7893453636697", "preco_custo": "13.96", "situacao": "A", "tipo": "P", "tipovariacao": "N",
         "marca": "", "categoria": "Empório >> Doces"},
    ],
    "contacts": [
        {"id": 708490398, "codigo": "C00043", "nome": _CUSTOMER["nome"], "tipo_pessoa": "J",
         "fantasia": "Mercado Pão Nosso", "cpf_cnpj": _CUSTOMER["cpf_cnpj"], "endereco": "Rua da Consolação",
         "numero": "113", "complemento": "", "bairro": "Pituba", "cep": "30412-978",
         "cidade": "Belo Horizonte", "uf": "MG", "email": _CUSTOMER["email"], "fone": "(31) 3444-1340",
         "situacao": "Ativo", "data_criacao": "2025-06-03 05:04:46-03:00",
         "_scan_started_at": "2026-11-21 06:00:00-03:00"},
    ],
    "invoices": [
        {"id": 884900026, "tipo": "S", "serie": "1", "numero": "004001", "numero_ecommerce": "LV-100201",
         "data_emissao": "2025-10-02 00:00:00-03:00", "valor": "182.31", "valor_produtos": "188.23",
         "valor_frete": "12.90", "situacao": "6", "descricao_situacao": "Autorizada"},
    ],
}  # fmt: skip


def insert_sample_records(con: duckdb.DuckDBPyConnection, extracted_at: str) -> None:
    """Append SAMPLE_RECORDS, extracted at `extracted_at` (naive UTC), to the tables of RAW_DDL;
    the columns a record leaves out are NULL, as when the connector omits a null field."""
    append_records(
        con, "raw_tinyerp", SAMPLE_RECORDS, extracted_at, META, {"_coercion_errors": NO_COERCION_ERRORS}
    )
