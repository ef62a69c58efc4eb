"""Every event of the register, by name, for the code that reads the log.

Each event's fields are declared in its aggregate's events module (``institution_events``,
``contract_events``, ``case_events``; the roster's and the clock's in their own small modules),
and the aggregate's ``@event`` methods attach them to it: what is stored, and what these names
are, is the aggregate's class of the event, under the aggregate's module and name (e.g.
``registry.domain.licensing:Licensing.LicenceIssued``), so that logs written before keep
loading. Projections, the change feed, the case file and the reactions
import them from here and refer to the classes, never to their names as strings: a renamed
event fails when this module is imported, not when a replay meets it.
"""

from __future__ import annotations

from eventsourcing.domain import DomainEvent

from registry.domain.clock_stream import RegistryClock
from registry.domain.contract import TrainingContract
from registry.domain.enforcement import Enforcement
from registry.domain.institution import Institution
from registry.domain.licensing import Licensing
from registry.domain.refund_case import RefundCase
from registry.domain.roster import ContractRoster

# Institution: licensing and funds
LicenceIssued = Licensing.LicenceIssued
LicenceRenewed = Licensing.LicenceRenewed
StaffMemberFiled = Licensing.StaffMemberFiled
FundSupervisionEstablished = Licensing.FundSupervisionEstablished
# Institution: enforcement
InspectionRecorded = Enforcement.InspectionRecorded
RectificationOrdered = Enforcement.RectificationOrdered
RectificationVerified = Enforcement.RectificationVerified
EnrolmentSuspended = Enforcement.EnrolmentSuspended
EnrolmentSuspensionLifted = Enforcement.EnrolmentSuspensionLifted
PenaltyImposed = Enforcement.PenaltyImposed
# Institution: registration and lifecycle
InstitutionRegistered = Institution.InstitutionRegistered
LicenceRevoked = Institution.LicenceRevoked
ConversionStarted = Institution.ConversionStarted
ConversionCompleted = Institution.ConversionCompleted
OperationsCeased = Institution.OperationsCeased
Blacklisted = Institution.Blacklisted
RemovedFromBlacklist = Institution.RemovedFromBlacklist
Deregistered = Institution.Deregistered
# Training contracts
ContractSigned = TrainingContract.ContractSigned
ComplianceBreachDetected = TrainingContract.ComplianceBreachDetected
PrepaidFeeCollected = TrainingContract.PrepaidFeeCollected
LessonsConsumed = TrainingContract.LessonsConsumed
EscrowReleased = TrainingContract.EscrowReleased
PrepaidRefunded = TrainingContract.PrepaidRefunded
ContractFrozen = TrainingContract.ContractFrozen
ContractTerminated = TrainingContract.ContractTerminated
ContractCompleted = TrainingContract.ContractCompleted
PrepaidLiabilitiesTransferred = TrainingContract.PrepaidLiabilitiesTransferred
ContractDisputed = TrainingContract.ContractDisputed
DisputeClosed = TrainingContract.DisputeClosed
# Refund cases
RefundCaseOpened = RefundCase.RefundCaseOpened
EvidenceAttached = RefundCase.EvidenceAttached
UnconsumedAmountAssessed = RefundCase.UnconsumedAmountAssessed
MediationAgreementReached = RefundCase.MediationAgreementReached
MediationFailed = RefundCase.MediationFailed
CaseReferredToCourt = RefundCase.CaseReferredToCourt
JudgmentRecorded = RefundCase.JudgmentRecorded
RefundPaid = RefundCase.RefundPaid
CaseFileExported = RefundCase.CaseFileExported
RefundCaseClosed = RefundCase.RefundCaseClosed
RefundCaseWithdrawn = RefundCase.RefundCaseWithdrawn
# The registry's own bookkeeping streams
RosterOpened = ContractRoster.RosterOpened
ContractEnrolled = ContractRoster.ContractEnrolled
ClockStarted = RegistryClock.ClockStarted
DayReviewed = RegistryClock.DayReviewed

ALL_EVENTS: tuple[type[DomainEvent], ...] = (
    LicenceIssued,
    LicenceRenewed,
    StaffMemberFiled,
    FundSupervisionEstablished,
    InspectionRecorded,
    RectificationOrdered,
    RectificationVerified,
    EnrolmentSuspended,
    EnrolmentSuspensionLifted,
    PenaltyImposed,
    InstitutionRegistered,
    LicenceRevoked,
    ConversionStarted,
    ConversionCompleted,
    OperationsCeased,
    Blacklisted,
    RemovedFromBlacklist,
    Deregistered,
    ContractSigned,
    ComplianceBreachDetected,
    PrepaidFeeCollected,
    LessonsConsumed,
    EscrowReleased,
    PrepaidRefunded,
    ContractFrozen,
    ContractTerminated,
    ContractCompleted,
    PrepaidLiabilitiesTransferred,
    ContractDisputed,
    DisputeClosed,
    RefundCaseOpened,
    EvidenceAttached,
    UnconsumedAmountAssessed,
    MediationAgreementReached,
    MediationFailed,
    CaseReferredToCourt,
    JudgmentRecorded,
    RefundPaid,
    CaseFileExported,
    RefundCaseClosed,
    RefundCaseWithdrawn,
    RosterOpened,
    ContractEnrolled,
    ClockStarted,
    DayReviewed,
)
