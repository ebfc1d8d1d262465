"""Building and reshaping the tenant tree. Nothing is hard-deleted: deactivation keeps history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from linli_identity.audit.repository import AuditRepository
from linli_identity.audit.service import Actor, record
from linli_identity.database import messaging
from linli_identity.events import types as events
from linli_identity.tenants.exceptions import InvalidParent, SlugTaken, TenantInactive, TenantNotFound
from linli_identity.tenants.models import PARENT_KIND, Tenant, TenantKind
from linli_identity.tenants.repository import TenantRepository
from linli_identity.tenants.schemas import TenantCreate, TenantMove
from linli_shared.events.envelope import EventSpec, Payload
from linli_shared.problems import Forbidden
from linli_shared.tenancy import ROOT_LABEL, TenantContext, child_path, is_within

CHILD_KIND = {parent: child for child, parent in PARENT_KIND.items() if parent is not None}


class TenantService:
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.context: TenantContext = actor.context
        self.tenants = TenantRepository(session, self.context)
        self.audit = AuditRepository(session, self.context)

    def get(self, tenant_id: uuid.UUID) -> Tenant:
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            raise TenantNotFound()
        return tenant

    def subtree(self, include_inactive: bool = False) -> Sequence[Tenant]:
        return self.tenants.subtree(include_inactive)

    def create_district(self, name: str, slug: str) -> Tenant:
        """Districts hang under the platform root; only the platform (CLI, seed) creates them."""
        if self.context.tenant_path != ROOT_LABEL:
            raise Forbidden("Only the platform creates districts.")
        return self._create(None, ROOT_LABEL, TenantKind.DISTRICT, name, slug)

    def create_child(self, request: TenantCreate) -> Tenant:
        parent = self._active(request.parent_id)
        kind = CHILD_KIND.get(parent.kind)
        if kind is None:
            raise InvalidParent("Committees have no child nodes.")
        return self._create(parent.id, parent.path, kind, request.name, request.slug)

    def _create(
        self, parent_id: uuid.UUID | None, parent_path: str, kind: TenantKind, name: str, slug: str
    ) -> Tenant:
        tenant_id = uuid.uuid4()
        tenant = Tenant(
            id=tenant_id,
            parent_id=parent_id,
            kind=kind,
            name=name,
            slug=slug,
            path=child_path(parent_path, tenant_id),
            active=True,
        )
        if not self.tenants.add(tenant):
            raise SlugTaken(f"The short name {slug!r} is already used.")
        self._audit(tenant, "tenant.created", kind=kind.value, name=name, slug=slug)
        self._publish(
            events.TENANT_CREATED,
            events.TenantCreatedV1(
                tenant_id=tenant.id,
                parent_id=parent_id,
                kind=kind.value,
                name=name,
                slug=slug,
                path=tenant.path,
            ),
            tenant,
        )
        return tenant

    def rename(self, tenant_id: uuid.UUID, name: str) -> Tenant:
        tenant = self._active(tenant_id, for_update=True)
        previous = tenant.name
        if previous == name:
            return tenant
        tenant.name = name
        self.session.flush()
        self._audit(tenant, "tenant.renamed", name=name, previous_name=previous)
        self._publish(
            events.TENANT_RENAMED,
            events.TenantRenamedV1(tenant_id=tenant.id, name=name, previous_name=previous),
            tenant,
        )
        return tenant

    def move(self, tenant_id: uuid.UUID, request: TenantMove) -> Tenant:
        tenant = self._active(tenant_id, for_update=True)
        if tenant.path == self.context.tenant_path:
            raise Forbidden("You cannot move the node you administer.")
        parent = self._active(request.new_parent_id)
        if PARENT_KIND[tenant.kind] != parent.kind:
            raise InvalidParent(f"A {tenant.kind.value} can only move under a {PARENT_KIND[tenant.kind]}.")
        if is_within(parent.path, tenant.path):
            raise InvalidParent("A node cannot move under itself.")
        if parent.id == tenant.parent_id:
            return tenant
        previous_path, new_path = tenant.path, child_path(parent.path, tenant.id)
        self.tenants.repath(previous_path, new_path)
        moved = self.get(tenant_id)
        moved.parent_id = parent.id
        self.session.flush()
        self._audit(moved, "tenant.moved", previous_parent_id=str(tenant.parent_id), parent_id=str(parent.id))
        self._publish(
            events.TENANT_MOVED,
            events.TenantMovedV1(
                tenant_id=moved.id, parent_id=parent.id, previous_path=previous_path, path=new_path
            ),
            moved,
        )
        return moved

    def deactivate(self, tenant_id: uuid.UUID, reason: str) -> Tenant:
        tenant = self._active(tenant_id, for_update=True)
        if tenant.path == self.context.tenant_path:
            raise Forbidden("You cannot deactivate the node you administer.")
        for node in self.tenants.deactivate_subtree(tenant.path, reason):
            self._audit(node, "tenant.deactivated", reason=reason, via=str(tenant.id))
            self._publish(
                events.TENANT_DEACTIVATED,
                events.TenantDeactivatedV1(tenant_id=node.id, path=node.path, reason=reason),
                node,
            )
        return self.get(tenant_id)

    def _active(self, tenant_id: uuid.UUID, for_update: bool = False) -> Tenant:
        tenant = self.tenants.get(tenant_id, for_update=for_update)
        if tenant is None:
            raise TenantNotFound()
        if not tenant.active:
            raise TenantInactive()
        return tenant

    def _audit(self, tenant: Tenant, action: str, **details: object) -> None:
        record(
            self.audit,
            self.actor,
            tenant_id=tenant.id,
            tenant_path=tenant.path,
            action=action,
            target_type="tenant",
            target_id=tenant.id,
            **details,
        )

    def _publish(self, spec: EventSpec[Payload], data: Payload, tenant: Tenant) -> None:
        messaging.publish(
            self.session, spec, data, subject=tenant.id, tenant_id=tenant.id, tenant_path=tenant.path
        )
