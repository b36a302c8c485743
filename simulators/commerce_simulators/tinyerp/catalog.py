"""Static vocabulary for the generated account: an emporium (grocery/deli) selling at the counter
(PDV), in its own web shop and on a marketplace, like the production pipelines in
docs/tinyerp_api.md §0 (Z316/ZDO). Accented text on purpose: the wire escapes it as PHP's
json_encode does.
"""

from __future__ import annotations

ACCOUNT = {
    "razao_social": "Empório Simulado Comércio de Alimentos Ltda",
    "cnpj_cpf": "12.345.678/0001-95",
    "fantasia": "Empório Simulado",
    "endereco": "Rua das Laranjeiras",
    "numero": "120",
    "bairro": "Centro",
    "complemento": "Loja 2",
    "cidade": "Brasília",
    "cep": "70040-010",
    "uf": "DF",
    "email": "contato@emporio-simulado.example",
    "fone": "(61) 3322-1100",
    "regime_tributario": "1",
}
ACCOUNT_CNPJ_DIGITS = "12345678000195"
ACCOUNT_UF_CODE = "53"  # IBGE code of DF, the first two digits of an access key (chave de acesso)

# (category path, unit, base names, price range in cents, net weight g, NCM, sizes)
PRODUCT_TEMPLATES: list[tuple[str, str, tuple[str, ...], tuple[int, int], int, str, tuple[str, ...]]] = [
    (
        "Mercearia >> Cafés",
        "UN",
        ("Café Especial Torrado", "Café em Grãos", "Café Moído Tradicional"),
        (2490, 8990),
        250,
        "0901.21.00",
        ("250g", "500g", "1kg"),
    ),
    (
        "Mercearia >> Chás",
        "UN",
        ("Chá Verde", "Chá de Hibisco", "Chá Mate Tostado"),
        (990, 3490),
        50,
        "0902.10.00",
        ("20 sachês", "50g", "100g"),
    ),
    (
        "Mercearia >> Grãos",
        "UN",
        ("Arroz Arbóreo", "Feijão Preto Orgânico", "Lentilha Rosa", "Quinoa Real"),
        (890, 4290),
        1000,
        "1006.30.21",
        ("500g", "1kg"),
    ),
    (
        "Bebidas >> Vinhos",
        "UN",
        ("Vinho Tinto Malbec", "Vinho Branco Sauvignon", "Espumante Brut"),
        (4990, 21990),
        750,
        "2204.21.00",
        ("750ml", "375ml", "Safra 2021", "Safra 2022"),
    ),
    (
        "Bebidas >> Cervejas",
        "UN",
        ("Cerveja Artesanal IPA", "Cerveja Weiss", "Cerveja Stout"),
        (1290, 3990),
        500,
        "2203.00.00",
        ("355ml", "500ml", "600ml"),
    ),
    (
        "Bebidas >> Sucos",
        "UN",
        ("Suco de Uva Integral", "Suco de Laranja", "Kombucha"),
        (890, 2890),
        1000,
        "2009.61.00",
        ("300ml", "1L", "1,5L"),
    ),
    (
        "Frios >> Queijos",
        "KG",
        ("Queijo Canastra", "Queijo Parmesão", "Queijo Brie", "Queijo Gorgonzola"),
        (7990, 24990),
        1000,
        "0406.90.10",
        ("",),
    ),
    (
        "Frios >> Embutidos",
        "KG",
        ("Presunto Parma", "Salame Italiano", "Copa Lombo"),
        (8990, 32990),
        1000,
        "1601.00.00",
        ("",),
    ),
    (
        "Empório >> Azeites",
        "UN",
        ("Azeite Extra Virgem", "Azeite Trufado", "Vinagre Balsâmico"),
        (2990, 14990),
        500,
        "1509.20.00",
        ("250ml", "500ml"),
    ),
    (
        "Empório >> Doces",
        "UN",
        ("Doce de Leite", "Goiabada Cascão", "Geleia de Frutas Vermelhas", "Chocolate 70%"),
        (1290, 4990),
        400,
        "1704.90.90",
        ("100g", "300g", "400g"),
    ),
    (
        "Padaria >> Pães",
        "UN",
        ("Pão de Fermentação Natural", "Focaccia", "Pão de Queijo Congelado"),
        (990, 3490),
        600,
        "1905.90.90",
        ("", "500g", "1kg"),
    ),
    (
        "Utilidades >> Cozinha",
        "UN",
        ("Tábua de Frios", "Moedor de Pimenta", "Cesta de Presente"),
        (3990, 19990),
        800,
        "4419.90.00",
        ("", "Pequena", "Grande"),
    ),
]
QUALIFIERS = (
    "",
    "",
    "Premium",
    "Orgânico",
    "Tradicional",
    "Reserva",
    "Artesanal",
    "Seleção",
    "Clássico",
    "Especial",
    "da Casa",
    "Gourmet",
    "Importado",
)
BRANDS = ("Fazenda Boa Vista", "Serra Azul", "Vale Verde", "Casa Nobre", "Sítio Alegre", "Terra Roxa", "")

# Products with variations (tipoVariacao P + V): name, grade attribute, values
VARIATION_TEMPLATES = [
    ("Avental Empório", "Tamanho", ("P", "M", "G")),
    ("Caneca Cerâmica", "Cor", ("Azul", "Verde", "Terracota")),
    ("Camiseta Empório", "Tamanho", ("P", "M", "G")),
    ("Ecobag Lona", "Cor", ("Cru", "Preta", "Verde")),
]

FIRST_NAMES = (
    "Ana",
    "Maria",
    "João",
    "José",
    "Pedro",
    "Lucas",
    "Juliana",
    "Fernanda",
    "Carlos",
    "Paulo",
    "Mariana",
    "Gabriel",
    "Rafael",
    "Beatriz",
    "Camila",
    "Bruno",
    "Larissa",
    "Thiago",
    "Letícia",
    "Rodrigo",
    "Patrícia",
    "Marcelo",
    "Aline",
    "Gustavo",
    "Renata",
    "Felipe",
    "Vanessa",
    "André",
    "Luíza",
    "Eduardo",
    "Cláudia",
    "Márcio",
    "Sônia",
    "Hélio",
    "Tânia",
    "Vinícius",
)
LAST_NAMES = (
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
    "Rocha",
    "Dias",
    "Nascimento",
    "Andrade",
    "Moreira",
    "Nunes",
    "Marques",
    "Machado",
    "Mendes",
    "Freitas",
    "Cardoso",
    "Ramos",
    "Gonçalves",
    "Araújo",
    "Teixeira",
)
COMPANY_WORDS = (
    "Mercado",
    "Restaurante",
    "Bistrô",
    "Padaria",
    "Hotel",
    "Café",
    "Cantina",
    "Buffet",
    "Armazém",
    "Pousada",
)
COMPANY_NAMES = (
    "Bom Sabor",
    "Sol Nascente",
    "Boa Mesa",
    "Ipê Amarelo",
    "Cerrado",
    "Estrela",
    "Planalto",
    "Jardim",
    "Aurora",
    "Horizonte",
    "Flor de Lis",
    "Pão Nosso",
)
STREETS = (
    "Rua das Flores",
    "Avenida Brasil",
    "Rua São José",
    "Rua XV de Novembro",
    "Avenida Paulista",
    "Rua Sete de Setembro",
    "Quadra 104 Norte",
    "SQS 308 Bloco C",
    "Rua Augusta",
    "Avenida Atlântica",
    "Rua da Consolação",
    "Travessa do Comércio",
    "Alameda Santos",
    "Rua Padre Anchieta",
)
BAIRROS = (
    "Centro",
    "Asa Norte",
    "Asa Sul",
    "Jardins",
    "Copacabana",
    "Savassi",
    "Boa Viagem",
    "Batel",
    "Moinhos de Vento",
    "Pituba",
    "Lago Sul",
    "Vila Madalena",
    "Sudoeste",
)
# (city, uf, CEP prefix, phone area code), weighted towards the store's home town
CITIES = (
    ("Brasília", "DF", "70", 61),
    ("Brasília", "DF", "71", 61),
    ("Brasília", "DF", "72", 61),
    ("São Paulo", "SP", "01", 11),
    ("São Paulo", "SP", "04", 11),
    ("Rio de Janeiro", "RJ", "22", 21),
    ("Belo Horizonte", "MG", "30", 31),
    ("Goiânia", "GO", "74", 62),
    ("Curitiba", "PR", "80", 41),
    ("Porto Alegre", "RS", "90", 51),
    ("Salvador", "BA", "40", 71),
    ("Recife", "PE", "50", 81),
    ("Florianópolis", "SC", "88", 48),
    ("Anápolis", "GO", "75", 62),
)
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "uol.com.br", "example.com")

SELLERS = (
    ("70211", "Ana Ribeiro"),
    ("70214", "Bruno Costa"),
    ("70219", "Carla Mendes"),
    ("70230", "Diego Araújo"),
    ("70245", "Elisa Nunes"),
)

# (code, label) of the order situations, in lifecycle order (docs/tinyerp_api.md §2.12)
SITUACOES = {
    "aberto": "Em aberto",
    "aprovado": "Aprovado",
    "preparando_envio": "Preparando envio",
    "faturado": "Faturado",
    "pronto_envio": "Pronto para envio",
    "enviado": "Enviado",
    "entregue": "Entregue",
    "nao_entregue": "Não Entregue",
    "cancelado": "Cancelado",
}
# Labels seen in responses vary over time (docs/tinyerp_api.md §2.1): a per-order variant picks one of these.
LABEL_VARIANTS = {
    "aberto": ("Em aberto", "Em aberto", "Em aberto", "Aberto"),
    "faturado": ("Faturado", "Faturado", "Atendido", "Faturado (atendido)"),
}
FINAL_STATES = frozenset({"entregue", "nao_entregue", "cancelado"})
NEXT_STATE = {
    "aberto": "aprovado",
    "aprovado": "preparando_envio",
    "preparando_envio": "faturado",
    "faturado": "pronto_envio",
    "pronto_envio": "enviado",
    "enviado": "entregue",
}

# payment: code used by pedido.obter, label used by the PDV, NFC-e tPag
PAYMENTS = {
    "credito": ("Cartão de crédito", "03"),
    "debito": ("Cartão de débito", "04"),
    "pix": ("PIX", "17"),
    "dinheiro": ("Dinheiro", "01"),
    "boleto": ("Boleto", "15"),
}

ECOMMERCES = {
    "loja": ("10231", "Loja Virtual"),
    "meli": ("10232", "Mercado Livre"),
}

MARKERS = (
    ("1021", "Prioridade", "#E53935"),
    ("1022", "Presente", "#8E24AA"),
    ("1023", "Retirar na loja", "#43A047"),
)

NF_SITUACOES = {"2": "Emitida", "6": "Autorizada", "7": "Emitida DANFE"}
