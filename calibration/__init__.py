"""Judge labels + human codes -> agreement, admission (and, next, drift)."""

from calibration.admission import (
    REGISTRY_FILE,
    AdmissionDecision,
    AdmissionPolicy,
    AdmissionsRegistry,
    decide,
    load_policy,
    registry_for,
)
from calibration.agreement import (
    CONSENSUS_RULE,
    AgreementReport,
    DimensionAgreement,
    Estimate,
    agreement_report,
    consensus,
)
from calibration.bootstrap import bootstrap_alpha, bootstrap_kappa
from calibration.codes import CODE_FORMATS, detect_codes_format, import_outputs, read_codes
from calibration.errors import AdmissionError, AlignmentError, CalibrationError, CodesError
from calibration.human import (
    AlignedDimension,
    CodeRecord,
    HumanCodes,
    align,
    build_codes,
    canonical_value,
    read_long_codes,
)
from calibration.imports import ImportedJudge, label_judgment, write_imported_run
from calibration.markdown import report_markdown
from calibration.split import Part, SplitSpec
from calibration.stats import (
    AgreementStat,
    ConfidenceInterval,
    cohen_kappa,
    krippendorff_alpha,
    mean_pairwise_kappa,
    percent_agreement,
    prevalence,
)

__all__ = [
    "CODE_FORMATS",
    "CONSENSUS_RULE",
    "REGISTRY_FILE",
    "AdmissionDecision",
    "AdmissionError",
    "AdmissionPolicy",
    "AdmissionsRegistry",
    "AgreementReport",
    "AgreementStat",
    "AlignedDimension",
    "AlignmentError",
    "CalibrationError",
    "CodeRecord",
    "CodesError",
    "ConfidenceInterval",
    "DimensionAgreement",
    "Estimate",
    "HumanCodes",
    "ImportedJudge",
    "Part",
    "SplitSpec",
    "agreement_report",
    "align",
    "bootstrap_alpha",
    "bootstrap_kappa",
    "build_codes",
    "canonical_value",
    "cohen_kappa",
    "consensus",
    "decide",
    "detect_codes_format",
    "import_outputs",
    "krippendorff_alpha",
    "label_judgment",
    "load_policy",
    "mean_pairwise_kappa",
    "percent_agreement",
    "prevalence",
    "read_codes",
    "read_long_codes",
    "registry_for",
    "report_markdown",
    "write_imported_run",
]
