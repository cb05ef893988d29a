"""Death-benefit claims (klaim JKM/JKK) and heirs (ahli waris): (English, Bahasa Indonesia)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "claim.death_in_future": (
        "A claim is filed after the death, not before.",
        "Klaim diajukan setelah peserta meninggal, bukan sebelumnya.",
    ),
    "claim.jkk_expired": (
        "A work-accident (JKK) death benefit must be claimed within {years} years, by {limit}.",
        "Santunan kematian akibat kecelakaan kerja (JKK) harus diklaim dalam {years} tahun,"
        " paling lambat {limit}.",
    ),
    "claim.not_covered": (
        "No enrolment in the caller's territory covered this NIK on the date of death"
        " (cover registered after a death does not count).",
        "Tidak ada kepesertaan di wilayah Anda yang melindungi NIK ini pada tanggal kematian"
        " (kepesertaan yang didaftarkan setelah kematian tidak dihitung).",
    ),
    "claim.duplicate": (
        "This member already has a claim that is not rejected.",
        "Peserta ini sudah memiliki klaim yang belum ditolak.",
    ),
    "claim.heir_not_entitled": (
        "A {relationship} is not entitled while the deceased leaves {group}"
        " (heir group {number}); one of them files the claim.",
        "Ahli waris dengan hubungan {relationship} tidak berhak selama almarhum/almarhumah"
        " meninggalkan {group} (kelompok ahli waris {number}); klaim diajukan oleh salah satu"
        " dari mereka.",
    ),
    "claim.documents_missing": (
        "Hand in {documents} (POST /v1/claims/{claim_id}/documents), then approve again.",
        "Serahkan {documents} (POST /v1/claims/{claim_id}/documents), lalu setujui kembali.",
    ),
    "claim.contribution_unpaid": (
        "The contribution for {month} is not paid; once its invoice is paid, approve again.",
        "Iuran bulan {month} belum dibayar; setujui kembali setelah tagihannya lunas.",
    ),
    "claim.membership_lapsed": (
        "Contributions were 4 or more months unpaid past due before the death (R4);"
        " reject the claim with reason_code MEMBERSHIP_LAPSED.",
        "Iuran menunggak 4 bulan atau lebih melewati jatuh tempo sebelum peserta meninggal"
        " (R4); tolak klaim dengan reason_code MEMBERSHIP_LAPSED.",
    ),
    "claim.paid_on_future": (
        "paid_on cannot be in the future.",
        "paid_on tidak boleh di masa depan.",
    ),
    "claim.paid_before_approval": (
        "The claim was approved on {approved_on}; paid_on must be that day or later.",
        "Klaim disetujui pada {approved_on}; paid_on harus pada tanggal itu atau sesudahnya.",
    ),
    # InvalidState: "Cannot approve a claim that is submitted."
    "claim.transition": (
        "Cannot {action} a claim that is {status}.",
        "Klaim berstatus {status} tidak dapat {action}.",
    ),
    "claim.action.review": ("review", "ditinjau"),
    "claim.action.request_documents": ("request documents", "dimintakan dokumen"),
    "claim.action.submit_documents": ("submit documents", "dilengkapi dokumennya"),
    "claim.action.approve": ("approve", "disetujui"),
    "claim.action.reject": ("reject", "ditolak"),
    "claim.action.pay": ("pay", "dibayar"),
    # The groups of heirs in order (R22, claims/heirs.py).
    "heir.group.1": ("spouse and children", "suami/istri dan anak"),
    "heir.group.2": (
        "parents, grandparents and grandchildren",
        "orang tua, kakek/nenek dan cucu",
    ),
    "heir.group.3": ("siblings", "saudara kandung"),
    "heir.group.4": ("parents-in-law", "mertua"),
    "heir.group.5": ("the person named in a will", "orang yang ditunjuk dalam wasiat"),
    # The claimant's relationship to the deceased (claims.models.Relationship); English is
    # the value as a phrase, as the detail has always said it.
    "heir.relationship.spouse": ("spouse", "suami/istri"),
    "heir.relationship.child": ("child", "anak"),
    "heir.relationship.parent": ("parent", "orang tua"),
    "heir.relationship.grandparent": ("grandparent", "kakek/nenek"),
    "heir.relationship.grandchild": ("grandchild", "cucu"),
    "heir.relationship.sibling": ("sibling", "saudara kandung"),
    "heir.relationship.parent_in_law": ("parent in law", "mertua"),
    "heir.relationship.testamentary": ("testamentary", "penerima wasiat"),
}
