"""The roster file (daftar peserta, CSV or .xlsx) and its cells: (English, Bahasa Indonesia).
Column names, media types and accepted words (`L/P`, `ya/tidak`) stay as written."""

MESSAGES: dict[str, tuple[str, str]] = {
    "roster.media_type": (
        "Send the roster as `Content-Type: {csv}`, `{xlsx}`, or `{form}` with the file in a"
        " field named `file`.",
        "Kirim daftar peserta sebagai `Content-Type: {csv}`, `{xlsx}`, atau `{form}` dengan"
        " berkasnya pada isian bernama `file`.",
    ),
    "roster.not_utf8": ("The file must be UTF-8 text.", "Berkas harus berupa teks UTF-8."),
    "roster.not_utf8.xlsx": (
        "The file must be UTF-8 text. It looks like an .xlsx workbook: send it as `{xlsx}`.",
        "Berkas harus berupa teks UTF-8. Berkas ini tampaknya workbook .xlsx: kirim sebagai"
        " `{xlsx}`.",
    ),
    "roster.not_utf8.xls": (
        "The file must be UTF-8 text. It looks like an Excel 97-2003 .xls file: save it as"
        " .xlsx or CSV UTF-8.",
        "Berkas harus berupa teks UTF-8. Berkas ini tampaknya berkas Excel 97-2003 .xls:"
        " simpan sebagai .xlsx atau CSV UTF-8.",
    ),
    "roster.nul_bytes": ("The file contains NUL bytes.", "Berkas mengandung byte NUL."),
    "roster.missing_columns": (
        "Missing columns: {missing}. Required: {required} (values separated by `,` or `;`).",
        "Kolom yang belum ada: {missing}. Kolom wajib: {required} (nilai dipisahkan dengan"
        " `,` atau `;`).",
    ),
    # {error} is the CSV reader's own words, in English.
    "roster.unreadable_csv": (
        "Unreadable CSV near line {line}: {error}",
        "CSV tidak dapat dibaca di sekitar baris {line}: {error}",
    ),
    "roster.too_many_rows": (
        "At most {max_rows} rows per file; split the roster.",
        "Paling banyak {max_rows} baris per berkas; bagi daftar peserta ke beberapa berkas.",
    ),
    "roster.no_rows": (
        "The file has a header but no rows.",
        "Berkas hanya berisi baris judul kolom, tanpa baris data.",
    ),
    "roster.xlsx_timeout": (
        "The workbook could not be read in {seconds} seconds.",
        "Workbook tidak dapat dibaca dalam {seconds} detik.",
    ),
    "roster.xlsx_unreadable": (
        "The file is not a readable .xlsx workbook, or it has no sheet.",
        "Berkas bukan workbook .xlsx yang dapat dibaca, atau tidak memiliki sheet.",
    ),
    "roster.xlsx_too_large": (
        "The workbook is too large once unpacked (its first sheet spans too many cells);"
        " keep the roster's rows and columns only, or send it as CSV.",
        "Workbook terlalu besar setelah dibuka (sheet pertamanya mencakup terlalu banyak"
        " sel); sisakan hanya baris dan kolom daftar peserta, atau kirim sebagai CSV.",
    ),
    # A roster cell that cannot be read: INVALID_FIELD, with what would be accepted.
    "reason.invalid_field.missing": ("{column} is missing.", "{column} belum diisi."),
    "reason.invalid_field.not_accepted": (
        "{column} is not accepted; {accepted}.",
        "Isian {column} tidak dapat diterima; {accepted}.",
    ),
    "reason.invalid_field.not_accepted_bare": (
        "{column} is not accepted.",
        "Isian {column} tidak dapat diterima.",
    ),
    "roster.accepted.nik": ("the 16-digit NIK", "isi dengan NIK 16 digit"),
    "roster.accepted.full_name": (
        "the full name, at most 200 characters",
        "isi dengan nama lengkap, paling banyak 200 karakter",
    ),
    "roster.accepted.birth_date": (
        "use DD/MM/YYYY, DD-MM-YYYY or YYYY-MM-DD (or a date cell in .xlsx)",
        "gunakan DD/MM/YYYY, DD-MM-YYYY atau YYYY-MM-DD (atau sel tanggal pada .xlsx)",
    ),
    "roster.accepted.sex": (
        "use L/P, Laki-laki/Perempuan or male/female",
        "gunakan L/P, Laki-laki/Perempuan atau male/female",
    ),
    "roster.accepted.domicile_region_code": (
        "use the 4-digit Kemendagri code of the kabupaten/kota, e.g. 3514",
        "gunakan kode Kemendagri 4 digit untuk kabupaten/kota, misalnya 3514",
    ),
    "roster.accepted.occupation": (
        "use one of {codes} (any case; spaces for underscores, e.g. Buruh Tani Tembakau)",
        "gunakan salah satu dari {codes} (huruf besar atau kecil; spasi sebagai pengganti"
        " garis bawah, misalnya Buruh Tani Tembakau)",
    ),
    "roster.accepted.phone": (
        "use 6 to 20 digits, spaces or dashes, with an optional leading +",
        "gunakan 6 sampai 20 angka, spasi atau tanda hubung, boleh diawali +",
    ),
    "roster.accepted.address": ("at most 300 characters", "paling banyak 300 karakter"),
    "roster.accepted.village": ("at most 100 characters", "paling banyak 100 karakter"),
    "roster.accepted.district": ("at most 100 characters", "paling banyak 100 karakter"),
    "roster.accepted.kk_number": (
        "use the 16-digit Kartu Keluarga number",
        "gunakan nomor Kartu Keluarga 16 digit",
    ),
    "roster.accepted.monthly_income_idr": (
        "use whole rupiah, digits only",
        "gunakan rupiah bulat, hanya angka",
    ),
    "roster.accepted.extreme_poor": (
        "use ya/tidak, y/t, true/false or 1/0",
        "gunakan ya/tidak, y/t, true/false atau 1/0",
    ),
    "roster.accepted.tobacco_sector": (
        "use ya/tidak, y/t, true/false or 1/0",
        "gunakan ya/tidak, y/t, true/false atau 1/0",
    ),
}
