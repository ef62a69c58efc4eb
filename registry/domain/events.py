"""Every event of the register, by name, for the code that reads the log.

Each event's fields are declared in its aggregate's events module (``institution_events``,
``contract_events``, ``case_events``, ``calendar_events``; the roster's and the clock's in their
own small modules),
and the aggregate's ``@event`` methods attach them to it: what is stored, and what these names
are, is the aggregate's class of the event, under the aggregate's module and name (e.g.
``registry.domain.licensing:Licensing.LicenceIssued``), so that logs written before keep
loading. Projections, the change feed, the case file and the reactions
import them from here and refer to the classes, never to their names as strings: a renamed
event fails when this module is imported, not when a replay meets it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.domain import DomainEvent

from registry.domain.calendar_stream import SchoolCalendars
from registry.domain.clock_stream import RegistryClock
from registry.domain.contract import TrainingContract
from registry.domain.enforcement import Enforcement
from registry.domain.institution import Institution
from registry.domain.licensing import Licensing
from registry.domain.refund_case import RefundCase
from registry.domain.roster import ContractRoster

if TYPE_CHECKING:
    # Type checkers see the declared classes (every stored event is an instance of one).
    from registry.domain.calendar_events import CalendarsOpened, HolidaysSet, VacationsSet
    from registry.domain.case_events import (
        CaseFileExported,
        CaseReferredToCourt,
        EvidenceAttached,
        JudgmentRecorded,
        MediationAgreementReached,
        MediationFailed,
        RefundCaseClosed,
        RefundCaseOpened,
        RefundCaseWithdrawn,
        RefundPaid,
        UnconsumedAmountAssessed,
    )
    from registry.domain.contract_events import (
        ComplianceBreachDetected,
        ContractCompleted,
        ContractDisputed,
        ContractFrozen,
        ContractSigned,
        ContractTerminated,
        DisputeClosed,
        EscrowReleased,
        LessonsConsumed,
        PrepaidFeeCollected,
        PrepaidLiabilitiesTransferred,
        PrepaidRefunded,
    )
    from registry.domain.institution_events import (
        Blacklisted,
        ConversionAbandoned,
        ConversionCompleted,
        ConversionStarted,
        DecisionAnnulled,
        Deregistered,
        EnrolmentSuspended,
        EnrolmentSuspensionLifted,
        FundSupervisionEnded,
        FundSupervisionEstablished,
        InspectionRecorded,
        InstitutionRegistered,
        LicenceIssued,
        LicenceRenewed,
        LicenceRevoked,
        OperationsCeased,
        PenaltyImposed,
        RectificationOrdered,
        RectificationVerified,
        RemovedFromBlacklist,
        StaffMemberFiled,
    )

    RosterOpened = ContractRoster.RosterOpened
    ContractEnrolled = ContractRoster.ContractEnrolled
    ClockStarted = RegistryClock.ClockStarted
    DayReviewed = RegistryClock.DayReviewed
else:
    # At run time these names are the aggregates' own classes, whose topics are stored.
    LicenceIssued = Licensing.LicenceIssued
    LicenceRenewed = Licensing.LicenceRenewed
    StaffMemberFiled = Licensing.StaffMemberFiled
    FundSupervisionEstablished = Licensing.FundSupervisionEstablished
    FundSupervisionEnded = Licensing.FundSupervisionEnded
    InspectionRecorded = Enforcement.InspectionRecorded
    RectificationOrdered = Enforcement.RectificationOrdered
    RectificationVerified = Enforcement.RectificationVerified
    EnrolmentSuspended = Enforcement.EnrolmentSuspended
    EnrolmentSuspensionLifted = Enforcement.EnrolmentSuspensionLifted
    PenaltyImposed = Enforcement.PenaltyImposed
    InstitutionRegistered = Institution.InstitutionRegistered
    LicenceRevoked = Institution.LicenceRevoked
    ConversionStarted = Institution.ConversionStarted
    ConversionCompleted = Institution.ConversionCompleted
    ConversionAbandoned = Institution.ConversionAbandoned
    OperationsCeased = Institution.OperationsCeased
    Blacklisted = Institution.Blacklisted
    RemovedFromBlacklist = Institution.RemovedFromBlacklist
    Deregistered = Institution.Deregistered
    DecisionAnnulled = Institution.DecisionAnnulled
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
    RosterOpened = ContractRoster.RosterOpened
    ContractEnrolled = ContractRoster.ContractEnrolled
    ClockStarted = RegistryClock.ClockStarted
    DayReviewed = RegistryClock.DayReviewed
    CalendarsOpened = SchoolCalendars.CalendarsOpened
    HolidaysSet = SchoolCalendars.HolidaysSet
    VacationsSet = SchoolCalendars.VacationsSet

ALL_EVENTS: tuple[type[DomainEvent], ...] = (
    LicenceIssued,
    LicenceRenewed,
    StaffMemberFiled,
    FundSupervisionEstablished,
    FundSupervisionEnded,
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
    ConversionAbandoned,
    OperationsCeased,
    Blacklisted,
    RemovedFromBlacklist,
    Deregistered,
    DecisionAnnulled,
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
    CalendarsOpened,
    HolidaysSet,
    VacationsSet,
)

__all__ = [
    "ALL_EVENTS",
    "LicenceIssued",
    "LicenceRenewed",
    "StaffMemberFiled",
    "FundSupervisionEstablished",
    "FundSupervisionEnded",
    "InspectionRecorded",
    "RectificationOrdered",
    "RectificationVerified",
    "EnrolmentSuspended",
    "EnrolmentSuspensionLifted",
    "PenaltyImposed",
    "InstitutionRegistered",
    "LicenceRevoked",
    "ConversionStarted",
    "ConversionCompleted",
    "ConversionAbandoned",
    "OperationsCeased",
    "Blacklisted",
    "RemovedFromBlacklist",
    "Deregistered",
    "DecisionAnnulled",
    "ContractSigned",
    "ComplianceBreachDetected",
    "PrepaidFeeCollected",
    "LessonsConsumed",
    "EscrowReleased",
    "PrepaidRefunded",
    "ContractFrozen",
    "ContractTerminated",
    "ContractCompleted",
    "PrepaidLiabilitiesTransferred",
    "ContractDisputed",
    "DisputeClosed",
    "RefundCaseOpened",
    "EvidenceAttached",
    "UnconsumedAmountAssessed",
    "MediationAgreementReached",
    "MediationFailed",
    "CaseReferredToCourt",
    "JudgmentRecorded",
    "RefundPaid",
    "CaseFileExported",
    "RefundCaseClosed",
    "RefundCaseWithdrawn",
    "RosterOpened",
    "ContractEnrolled",
    "ClockStarted",
    "DayReviewed",
    "CalendarsOpened",
    "HolidaysSet",
    "VacationsSet",
]
