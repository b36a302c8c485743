"""The reference data set: what fakestoreapi.com serves (docs/fakestore_api.md §1.6).

Titles, prices, categories, ratings, image files, users and carts are the live values, quirks
included: trailing spaces in five titles, integral prices (695, not 695.0), an integral rating (3),
"jewelery", lat/long as strings, inconsistent city casing, every cart at midnight UTC.
The descriptions are the simulator's own text (the live ones are long marketing copy); they keep the
same traits: several run past 400 characters and they carry ' & / ; – ’ ” so that CSV and JSON
quoting get exercised downstream.

Records are plain dicts whose key order is the order the live API sends them in.
"""

from __future__ import annotations

from typing import Any

IMAGE_BASE = "https://fakestoreapi.com/img/"

# The order GET /products/categories returns them in (Mongo `distinct`, i.e. sorted).
CATEGORIES = ("electronics", "jewelery", "men's clothing", "women's clothing")

# (id, title, price, description, category, rate, count, image file)
_PRODUCTS: list[tuple[int, str, float | int, str, str, float | int, int, str]] = [
    (
        1,
        "Fjallraven - Foldsack No. 1 Backpack, Fits 15 Laptops",
        109.95,
        "Built for the commute and the weekend trail alike: a roomy main compartment, a padded sleeve that "
        "takes laptops up to 15 inches, and two side pockets for a bottle & an umbrella. Water-resistant "
        "fabric; adjustable shoulder straps.",
        "men's clothing",
        3.9,
        120,
        "81fPKd-2AYL._AC_SL1500_.jpg",
    ),
    (
        2,
        "Mens Casual Premium Slim Fit T-Shirts ",
        22.3,
        "Slim-fit crew neck in a soft cotton/polyester blend. Raglan sleeves give room to move and the "
        "henley placket adds a casual touch – wear it to work, to the gym or on a Sunday walk. Machine "
        "wash cold; tumble dry low.",
        "men's clothing",
        4.1,
        259,
        "71-3HjGNDUL._AC_SY879._SX._UX._SY._UY_.jpg",
    ),
    (
        3,
        "Mens Cotton Jacket",
        55.99,
        "A lightweight cotton jacket for spring and autumn: hiking, camping, fishing or just running "
        "errands. Plenty of pockets, a stand-up collar that keeps the wind out and a cut that layers over "
        "a sweater. It’s the jacket you’ll reach for every day.",
        "men's clothing",
        4.7,
        500,
        "71li-ujtlUL._AC_UX679_.jpg",
    ),
    (
        4,
        "Mens Casual Slim Fit",
        15.99,
        "Colours may look slightly different on screen. Body builds vary, so please check the size chart "
        "in the product photos before ordering – measure a shirt you already own & compare, and don't "
        "forget the sleeves.",
        "men's clothing",
        2.1,
        430,
        "71YXzeOuslL._AC_UY879_.jpg",
    ),
    (
        5,
        "John Hardy Women's Legends Naga Gold & Silver Dragon Station Chain Bracelet",
        695,
        "From the Legends collection, inspired by the mythical water dragon that guards the ocean’s pearl. "
        "Hand-crafted in sterling silver and 18k gold; wear it facing inward for love & abundance, or "
        "outward for protection.",
        "jewelery",
        4.6,
        400,
        "71pWzhdJNwL._AC_UL640_QL65_ML3_.jpg",
    ),
    (
        6,
        "Solid Gold Petite Micropave ",
        168,
        "Petite micropavé band in solid 14k gold, set with tiny brilliant stones that catch the light; it's "
        "made to be stacked. "
        "Sizes 5–9. Returns or exchanges within 30 days of delivery.",
        "jewelery",
        3.9,
        70,
        "61sbMiUnoGL._AC_UL640_QL65_ML3_.jpg",
    ),
    (
        7,
        "White Gold Plated Princess",
        9.99,
        "Classic princess-cut solitaire, white gold plated over brass. A thoughtful gift for an "
        "engagement, a wedding, an anniversary or Valentine’s Day; arrives in a velvet box.",
        "jewelery",
        3,
        400,
        "71YAIFU48IL._AC_UL640_QL65_ML3_.jpg",
    ),
    (
        8,
        "Pierced Owl Rose Gold Plated Stainless Steel Double",
        10.99,
        "Rose gold plated double-flare tunnel plugs in 316L surgical stainless steel. Sold as a pair; "
        "gauges 2g/0g/00g. Hypoallergenic & nickel-free.",
        "jewelery",
        1.9,
        100,
        "51UDEzMJVpL._AC_UL640_QL65_ML3_.jpg",
    ),
    (
        9,
        "WD 2TB Elements Portable External Hard Drive - USB 3.0 ",
        64,
        "Pocket-sized storage with USB 3.0 speed (USB 2.0 compatible) and a high capacity for photos, "
        "music & backups. Formatted NTFS for Windows 10, 8.1 and 7; reformatting may be required for "
        "other operating systems. Compatibility may vary with your hardware configuration.",
        "electronics",
        3.3,
        203,
        "61IBBVJvSDL._AC_SY879_.jpg",
    ),
    (
        10,
        "SanDisk SSD PLUS 1TB Internal SSD - SATA III 6 Gb/s",
        109,
        "An easy upgrade for faster boot-up, shutdown and application loads. Sequential read/write speeds "
        "of up to 535MB/s / 350MB/s on SATA III; backwards compatible with SATA II. Quieter and cooler "
        "than a spinning disk.",
        "electronics",
        2.9,
        470,
        "61U7T1koQqL._AC_SX679_.jpg",
    ),
    (
        11,
        "Silicon Power 256GB SSD 3D NAND A55 SLC Cache Performance Boost SATA III 2.5",
        109,
        "3D NAND flash with an SLC cache keeps writes quick and the drive cool; read/write up to "
        '560/530MB/s. Supports TRIM, garbage collection and RAID; the 7mm 2.5" form factor fits '
        "ultrabooks, desktops & most notebooks.",
        "electronics",
        4.8,
        319,
        "71kWymZ+c+L._AC_SX679_.jpg",
    ),
    (
        12,
        "WD 4TB Gaming Drive Works with Playstation 4 Portable External Hard Drive",
        114,
        "Expand your PS4 library: plug & play set-up in minutes, room for up to 100 games, and a sleek "
        "design that sits neatly next to the console. 3-year limited warranty.",
        "electronics",
        4.8,
        400,
        "61mtL65D4cL._AC_SX679_.jpg",
    ),
    (
        13,
        "Acer SB220Q bi 21.5 inches Full HD (1920 x 1080) IPS Ultra-Thin",
        599,
        "21.5 inches of Full HD (1920 x 1080) widescreen on an IPS panel, so colours stay true from almost "
        "any angle. Radeon FreeSync keeps frames smooth; the refresh rate reaches 75Hz over HDMI and the "
        "response time is 4ms. The zero-frame, ultra-thin design puts the picture first – at its "
        "thinnest point the monitor is just 6.1mm deep. Ports: 1 x VGA & 1 x HDMI 1.4 (HDCP). Tilt "
        "angle -5° to 15°; VESA mounting not supported; power adapter included.",
        "electronics",
        2.9,
        250,
        "81QpkIctqPL._AC_SX679_.jpg",
    ),
    (
        14,
        "Samsung 49-Inch CHG90 144Hz Curved Gaming Monitor (LC49HG90DMNXZA) – Super Ultrawide Screen QLED ",
        999.99,
        "A 49” super-ultrawide 32:9 monitor with the screen area of two 27” panels side by side and no "
        "bezel in the middle. Quantum-dot (QLED) technology and HDR support give a wide colour gamut and "
        "deep contrast; the 144Hz refresh rate and 1ms motion-picture response time keep fast games "
        "sharp. Picture-by-picture lets two sources share the screen; the arm-style stand adjusts for "
        "height, tilt & swivel. Inputs: 2 x HDMI / 1 x DisplayPort / 1 x mini DisplayPort.",
        "electronics",
        2.2,
        140,
        "81Zt42ioCgL._AC_SX679_.jpg",
    ),
    (
        15,
        "BIYLACLESEN Women's 3-in-1 Snowboard Jacket Winter Coats",
        56.99,
        "A 3-in-1 system: a waterproof, windproof shell and a detachable warm fleece liner that can be "
        "worn together or on their own – three jackets for the price of one. Detachable hood; adjustable "
        "cuffs & hem keep the snow out; two zipped hand pockets, one chest pocket and an inner pocket "
        "for your phone. Suits skiing, snowboarding, hiking, climbing, travel and everyday wear. Shell: "
        "100% polyester; lining: polar fleece. Hand wash cold; do not bleach / do not tumble dry. "
        "Check the size chart; if you’re between sizes, order the larger one.",
        "women's clothing",
        2.6,
        235,
        "51Y5NI-I5jL._AC_UX679_.jpg",
    ),
    (
        16,
        "Lock and Love Women's Removable Hooded Faux Leather Moto Biker Jacket",
        29.95,
        "100% polyurethane shell, 100% polyester lining and a removable hood. Faux leather with a "
        "quilted biker look; two front pockets and an asymmetric zip. Hand wash only – do not bleach; "
        "line dry.",
        "women's clothing",
        2.9,
        340,
        "81XH0e8fefL._AC_UY879_.jpg",
    ),
    (
        17,
        "Rain Jacket Women Windbreaker Striped Climbing Raincoats",
        39.99,
        "Lightweight and packable: a striped, lined windbreaker with an adjustable drawstring hood and "
        "button-and-zip front. Good for travel, climbing & everyday showers; pairs with jeans or leggings.",
        "women's clothing",
        3.8,
        679,
        "71HblAHs5xL._AC_UY879_-2.jpg",
    ),
    (
        18,
        "MBJ Women's Solid Short Sleeve Boat Neck V ",
        9.85,
        "95% rayon, 5% spandex. Made in the USA or imported. Lightweight fabric with a great stretch for "
        "comfort; a ribbed band on the sleeves and neckline. Hand wash or machine wash cold.",
        "women's clothing",
        4.7,
        130,
        "71z3kpMAYsL._AC_UY879_.jpg",
    ),
    (
        19,
        "Opna Women's Short Sleeve Moisture",
        7.95,
        "100% polyester, machine wash. Lightweight, roomy and highly breathable, with moisture-wicking "
        "fabric that keeps you cool & dry; a lay-flat collar and no tag for extra comfort.",
        "women's clothing",
        4.5,
        146,
        "51eg55uWmdL._AC_UX679_.jpg",
    ),
    (
        20,
        "DANVOUY Womens T Shirt Casual Cotton Short",
        12.99,
        "95% cotton, 5% spandex. Casual short-sleeve tee with a letter print and a V-neck; it’s a "
        "fashion tee that goes with everything – shorts, jeans or a skirt.",
        "women's clothing",
        3.6,
        145,
        "61pHAEJ4NML._AC_UX679_.jpg",
    ),
]

# (id, email, username, password, first, last, city, street, number, zipcode, lat, long, phone)
_USERS: list[tuple[int, str, str, str, str, str, str, str, int, str, str, str, str]] = [
    (
        1,
        "john@gmail.com",
        "johnd",
        "m38rmF$",
        "john",
        "doe",
        "kilcoole",
        "new road",
        7682,
        "12926-3874",
        "-37.3159",
        "81.1496",
        "1-570-236-7033",
    ),
    (
        2,
        "morrison@gmail.com",
        "mor_2314",
        "83r5^_",
        "david",
        "morrison",
        "kilcoole",
        "Lovers Ln",
        7267,
        "12926-3874",
        "-37.3159",
        "81.1496",
        "1-570-236-7033",
    ),
    (
        3,
        "kevin@gmail.com",
        "kevinryan",
        "kev02937@",
        "kevin",
        "ryan",
        "Cullman",
        "Frances Ct",
        86,
        "29567-1452",
        "40.3467",
        "-30.1310",
        "1-567-094-1345",
    ),
    (
        4,
        "don@gmail.com",
        "donero",
        "ewedon",
        "don",
        "romer",
        "San Antonio",
        "Hunters Creek Dr",
        6454,
        "98234-1734",
        "50.3467",
        "-20.1310",
        "1-765-789-6734",
    ),
    (
        5,
        "derek@gmail.com",
        "derek",
        "jklg*_56",
        "derek",
        "powell",
        "san Antonio",
        "adams St",
        245,
        "80796-1234",
        "40.3467",
        "-40.1310",
        "1-956-001-1945",
    ),
    (
        6,
        "david_r@gmail.com",
        "david_r",
        "3478*#54",
        "david",
        "russell",
        "el paso",
        "prospect st",
        124,
        "12346-0456",
        "20.1677",
        "-10.6789",
        "1-678-345-9856",
    ),
    (
        7,
        "miriam@gmail.com",
        "snyder",
        "f238&@*$",
        "miriam",
        "snyder",
        "fresno",
        "saddle st",
        1342,
        "96378-0245",
        "10.3456",
        "20.6419",
        "1-123-943-0563",
    ),
    (
        8,
        "william@gmail.com",
        "hopkins",
        "William56$hj",
        "william",
        "hopkins",
        "mesa",
        "vally view ln",
        1342,
        "96378-0245",
        "50.3456",
        "10.6419",
        "1-478-001-0890",
    ),
    (
        9,
        "kate@gmail.com",
        "kate_h",
        "kfejk@*_",
        "kate",
        "hale",
        "miami",
        "avondale ave",
        345,
        "96378-0245",
        "40.12456",
        "20.5419",
        "1-678-456-1934",
    ),
    (
        10,
        "jimmie@gmail.com",
        "jimmie_k",
        "klein*#%*",
        "jimmie",
        "klein",
        "fort wayne",
        "oak lawn ave",
        526,
        "10256-4532",
        "30.24788",
        "-20.545419",
        "1-104-001-4567",
    ),
]

# (id, userId, date (midnight UTC), [(productId, quantity), ...])
REFERENCE_CARTS: list[tuple[int, int, str, list[tuple[int, int]]]] = [
    (1, 1, "2020-03-02", [(1, 4), (2, 1), (3, 6)]),
    (2, 1, "2020-01-02", [(2, 4), (1, 10), (5, 2)]),
    (3, 2, "2020-03-01", [(1, 2), (9, 1)]),
    (4, 3, "2020-01-01", [(1, 4)]),
    (5, 3, "2020-03-01", [(7, 1), (8, 1)]),
    (6, 4, "2020-03-01", [(10, 2), (12, 3)]),
    (7, 8, "2020-03-01", [(18, 1)]),
]


def product_record(
    pid: int,
    title: str,
    price: float | int,
    description: str,
    category: str,
    rate: float | int,
    count: int,
    image: str,
) -> dict[str, Any]:
    """A product in the live key order (no `__v`: the product dumps have none)."""
    return {
        "id": pid,
        "title": title,
        "price": price,
        "description": description,
        "category": category,
        "image": image,
        "rating": {"rate": rate, "count": count},
    }


def user_record(
    uid: int,
    email: str,
    username: str,
    password: str,
    first: str,
    last: str,
    city: str,
    street: str,
    number: int,
    zipcode: str,
    lat: str,
    long: str,
    phone: str,
) -> dict[str, Any]:
    """A user in the live key order: `address` first (how the documents were inserted), `__v` last."""
    return {
        "address": {
            "geolocation": {"lat": lat, "long": long},
            "city": city,
            "street": street,
            "number": number,
            "zipcode": zipcode,
        },
        "id": uid,
        "email": email,
        "username": username,
        "password": password,
        "name": {"firstname": first, "lastname": last},
        "phone": phone,
        "__v": 0,
    }


def reference_products() -> list[dict[str, Any]]:
    return [
        product_record(pid, title, price, desc, cat, rate, count, IMAGE_BASE + image)
        for pid, title, price, desc, cat, rate, count, image in _PRODUCTS
    ]


def reference_users() -> list[dict[str, Any]]:
    return [user_record(*row) for row in _USERS]
