"""Every JSON API operation of the domain, each a thin call into one service."""

from __future__ import annotations

from typing import Any, get_args

from starlette.responses import Response

from communities import schemas as s
from communities.api.crud import resource_operations
from communities.charts import schemas as cs
from communities.charts.schemas import MeasureChartOut
from communities.choices import (
    ArtifactKind,
    ChangeIdeaStage,
    CycleStatus,
    LinkKind,
    MeasureKind,
    MembershipRole,
    OrganizationKind,
    Vetting,
)
from communities.data_files import MAX_FILE_BYTES, read_table
from communities.services import (
    aims,
    artifacts,
    charts,
    communities,
    cycles,
    data_import,
    innovations,
    links,
    measures,
    people,
    plugins,
    teams,
)
from communities.services.base import list_rows
from core.api.calls import ApiCall
from core.api.operations import Operation, QueryParam
from core.api.routing import paginated
from core.uploads import read_upload

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choices(**kinds: Any) -> dict[str, tuple[str, ...]]:
    return {name: get_args(literal) for name, literal in kinds.items()}


def resource_ops() -> list[Operation]:
    return [
        *resource_operations(
            singular="community", plural="communities", path="/communities",
            listing=communities.COMMUNITIES, out=s.CommunityOut,
            create=(s.CommunityCreate, communities.create_community),
            update=(s.CommunityUpdate, communities.update_community),
            delete=communities.delete_community,
        ),
        *resource_operations(
            singular="organization", plural="organizations", path="/organizations",
            listing=teams.ORGANIZATIONS, out=s.OrganizationOut,
            create=(s.OrganizationCreate, teams.create_organization),
            update=(s.OrganizationUpdate, teams.update_organization),
            delete=teams.delete_organization, choices=_choices(kind=OrganizationKind),
        ),
        *resource_operations(
            singular="team", plural="teams", path="/teams", listing=teams.TEAMS, out=s.TeamOut,
            create=(s.TeamCreate, teams.create_team), update=(s.TeamUpdate, teams.update_team),
            delete=teams.delete_team,
        ),
        *resource_operations(
            singular="person", plural="people", path="/people", listing=people.PEOPLE,
            out=s.PersonOut, create=(s.PersonCreate, people.create_person),
            update=(s.PersonUpdate, people.update_person), delete=people.delete_person,
        ),
        *resource_operations(
            singular="membership", plural="memberships", path="/memberships",
            listing=people.MEMBERSHIPS, out=s.MembershipOut,
            create=(s.MembershipCreate, people.add_membership),
            update=(s.MembershipUpdate, people.update_membership),
            delete=people.delete_membership, choices=_choices(role=MembershipRole),
        ),
        *resource_operations(
            singular="aim", plural="aims", path="/aims", listing=aims.AIMS, out=s.AimOut,
            create=(s.AimCreate, aims.create_aim), update=(s.AimUpdate, aims.update_aim),
            delete=aims.delete_aim,
        ),
        *resource_operations(
            singular="driver", plural="drivers", path="/drivers", listing=aims.DRIVERS,
            out=s.DriverOut, create=(s.DriverCreate, aims.create_driver),
            update=(s.DriverUpdate, aims.update_driver), delete=aims.delete_driver,
        ),
        *resource_operations(
            singular="change idea", plural="change ideas", path="/change-ideas",
            listing=aims.CHANGE_IDEAS, out=s.ChangeIdeaOut,
            create=(s.ChangeIdeaCreate, aims.create_change_idea),
            update=(s.ChangeIdeaUpdate, aims.update_change_idea),
            delete=aims.delete_change_idea, choices=_choices(stage=ChangeIdeaStage),
        ),
        *resource_operations(
            singular="innovation", plural="innovations", path="/innovations",
            listing=innovations.INNOVATIONS, out=s.InnovationOut,
            create=(s.InnovationCreate, innovations.create_innovation),
            update=(s.InnovationUpdate, innovations.update_innovation),
            delete=innovations.delete_innovation,
        ),
        *resource_operations(
            singular="cycle", plural="cycles", path="/cycles", listing=cycles.CYCLES,
            out=s.CycleOut, create=(s.CycleCreate, cycles.post_cycle),
            update=(s.CycleUpdate, cycles.update_cycle), delete=cycles.delete_cycle,
            lister=cycles.list_cycles, getter=cycles.get_cycle,
            choices=_choices(status=CycleStatus),
        ),
        *resource_operations(
            singular="measure", plural="measures", path="/measures",
            listing=measures.MEASURES, out=s.MeasureOut,
            create=(s.MeasureCreate, measures.create_measure),
            update=(s.MeasureUpdate, measures.update_measure),
            delete=measures.delete_measure, choices=_choices(kind=MeasureKind),
        ),
        *resource_operations(
            singular="data point", plural="data points", path="/data-points",
            listing=measures.DATA_POINTS, out=s.DataPointOut,
            create=(s.DataPointCreate, measures.record_data),
            delete=measures.delete_data_point,
        ),
        *resource_operations(
            singular="measure phase", plural="measure phases", path="/measure-phases",
            listing=measures.MEASURE_PHASES, out=cs.MeasurePhaseOut,
            create=(cs.MeasurePhaseCreate, measures.add_phase), delete=measures.delete_phase,
        ),
        *resource_operations(
            singular="measure note", plural="measure notes", path="/measure-notes",
            listing=measures.MEASURE_NOTES, out=cs.MeasureNoteOut,
            create=(cs.MeasureNoteCreate, measures.add_note), delete=measures.delete_note,
        ),
        *resource_operations(
            singular="artifact", plural="artifacts", path="/artifacts",
            listing=artifacts.ARTIFACTS, out=s.ArtifactOut,
            create=(s.ArtifactCreate, artifacts.create_artifact),
            update=(s.ArtifactUpdate, artifacts.update_artifact),
            delete=artifacts.delete_artifact, lister=artifacts.list_artifacts,
            getter=artifacts.get_artifact,
            choices=_choices(kind=ArtifactKind, vetting=Vetting),
        ),
        *resource_operations(
            singular="artifact version", plural="artifact versions",
            path="/artifact-versions", listing=artifacts.ARTIFACT_VERSIONS,
            out=s.ArtifactVersionOut,
        ),
        *resource_operations(
            singular="innovation version", plural="innovation versions",
            path="/innovation-versions", listing=innovations.INNOVATION_VERSIONS,
            out=s.InnovationVersionOut,
        ),
        *resource_operations(
            singular="learning link", plural="learning links", path="/links",
            listing=links.LINKS, out=s.LinkOut, create=(s.LinkCreate, links.record_link),
            delete=links.delete_link, choices=_choices(kind=LinkKind),
        ),
    ]  # fmt: skip


async def _advance(call: ApiCall) -> Any:
    return await cycles.advance_cycle(call.ctx, call.path["id"], call.body_as(s.CycleAdvance))


async def _end_membership(call: ApiCall) -> Any:
    return await people.end_membership(call.ctx, call.path["id"], call.body_as(s.MembershipEnd))


async def _share(call: ApiCall) -> Any:
    return await artifacts.share_artifact(call.ctx, call.path["id"], call.body_as(s.ArtifactShare))


async def _add_artifact_version(call: ApiCall) -> Any:
    body = call.body_as(s.ArtifactVersionCreate)
    return await artifacts.add_artifact_version(call.ctx, call.path["id"], body)


async def _add_innovation_version(call: ApiCall) -> Any:
    body = call.body_as(s.InnovationVersionCreate)
    return await innovations.add_innovation_version(call.ctx, call.path["id"], body)


async def _list_roles(call: ApiCall) -> Any:
    await communities.get_row(call.ctx, communities.COMMUNITIES, call.path["id"])
    await call.ctx.authorize("manage", community_id=call.path["id"])
    rows, total = await list_rows(
        call.ctx, communities.ROLES, {"community": call.path["id"]}, call.page
    )
    return paginated(rows, total, call.page)


async def _assign_role(call: ApiCall) -> Any:
    return await communities.assign_role(call.ctx, call.path["id"], call.body_as(s.RoleAssign))


async def _remove_role(call: ApiCall) -> None:
    await communities.remove_role(call.ctx, call.path["id"], call.path["user_id"])


async def _list_plugins(call: ApiCall) -> Any:
    return {"items": await plugins.community_plugins(call.ctx, call.path["id"])}


async def _switch_plugin(call: ApiCall) -> Any:
    body = call.body_as(s.PluginSwitch)
    rows = await plugins.switch_plugins(call.ctx, call.path["id"], {body.plugin: body.enabled})
    wanted = call.ctx.plugins.plugin_named(body.plugin)
    return next(row for row in rows if row["plugin"] == wanted)


async def _team_kinds(call: ApiCall) -> Any:
    kinds = await teams.team_kinds(call.ctx)
    return {"items": [{"kind": k, "label": v} for k, v in kinds.items()]}


async def _measure_chart(call: ApiCall) -> Any:
    return await charts.measure_chart(call.ctx, call.path["id"], call.query.get("type"))


async def _import_data(call: ApiCall) -> Any:
    measure_id = call.path["id"]
    await data_import.importable_measure(call.ctx, measure_id)  # 404 / 403 before the file
    upload = await read_upload(call.request, MAX_FILE_BYTES)
    table = read_table(upload.content, upload.filename)
    mode = call.query.get("duplicates", "skip")
    if call.query.get("dry_run"):
        return await data_import.preview_import(call.ctx, measure_id, table, mode)
    return await data_import.save_import(call.ctx, measure_id, table, mode)


async def _export_data(call: ApiCall) -> Response:
    measure, text = await data_import.export_csv(call.ctx, call.path["id"])
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="measure-{measure["id"]}.csv"'},
    )


async def _node_kinds(call: ApiCall) -> Any:
    kinds = await links.node_kinds(call.ctx)
    return {"items": [{"kind": k.name, "label": k.label} for k in kinds.values()]}


def action_ops() -> list[Operation]:
    return [
        Operation(
            "POST", "/cycles/{id:int}/advance", "advanceCycle",
            "Move a cycle to its next phase (or to abandoned)", "cycles", _advance,
            body=s.CycleAdvance, response=s.CycleOut,
        ),
        Operation(
            "POST", "/memberships/{id:int}/end", "endMembership", "End a membership on a date",
            "memberships", _end_membership, body=s.MembershipEnd, response=s.MembershipOut,
        ),
        Operation(
            "POST", "/artifacts/{id:int}/share", "shareArtifact", "Share an artifact with teams",
            "artifacts", _share, body=s.ArtifactShare, response=s.ArtifactOut,
        ),
        Operation(
            "POST", "/artifacts/{id:int}/versions", "addArtifactVersion",
            "Add the next version of an artifact", "artifact-versions", _add_artifact_version,
            body=s.ArtifactVersionCreate, response=s.ArtifactVersionOut, status=201,
        ),
        Operation(
            "POST", "/innovations/{id:int}/versions", "addInnovationVersion",
            "Release the next version of an innovation", "innovation-versions",
            _add_innovation_version, body=s.InnovationVersionCreate,
            response=s.InnovationVersionOut, status=201,
        ),
        Operation(
            "GET", "/communities/{id:int}/roles", "listRoles", "Roles users hold in a community",
            "roles", _list_roles, response=s.RoleOut, paginated=True,
        ),
        Operation(
            "PUT", "/communities/{id:int}/roles", "assignRole",
            "Give a user a role in a community", "roles", _assign_role, body=s.RoleAssign,
            response=s.RoleOut,
        ),
        Operation(
            "DELETE", "/communities/{id:int}/roles/{user_id:int}", "removeRole",
            "Remove a user's role in a community", "roles", _remove_role, status=204,
        ),
        Operation(
            "GET", "/communities/{id:int}/plugins", "listCommunityPlugins",
            "Plugins and whether each is switched on in a community", "plugins", _list_plugins,
            response=s.CommunityPluginList,
        ),
        Operation(
            "PUT", "/communities/{id:int}/plugins", "switchCommunityPlugin",
            "Switch a plugin on or off in a community (facilitators)", "plugins",
            _switch_plugin, body=s.PluginSwitch, response=s.CommunityPluginOut,
        ),
        Operation(
            "GET", "/measures/{id:int}/chart", "getMeasureChart",
            "A measure's run or control chart: points, centre lines and limits per phase, "
            "special causes", "measures", _measure_chart, response=MeasureChartOut,
            query=(QueryParam("type", str, "chart type (default: the measure's chart_type)",
                              charts.CHART_CHOICES),),
        ),
        Operation(
            "POST", "/measures/{id:int}/data-import", "importMeasureData",
            "Add a CSV or XLSX file of data points to a measure (dry_run: only the preview)",
            "measures", _import_data, response=data_import.DataImportOut,
            uploads=("multipart/form-data", "text/csv", XLSX_TYPE),
            query=(QueryParam("dry_run", bool, "check and preview the file, save nothing"),
                   QueryParam("duplicates", str, "rows on a date that has data: skip (default) "
                              "or replace the stored points", data_import.DUPLICATE_MODES)),
        ),
        Operation(
            "GET", "/measures/{id:int}/data.csv", "exportMeasureData",
            "A measure's data points as CSV (the columns the import reads)", "measures",
            _export_data, downloads=("text/csv; charset=utf-8",),
        ),
        Operation(
            "GET", "/team-kinds", "listTeamKinds", "Team kinds (core and plugins)", "meta",
            _team_kinds,
        ),
        Operation(
            "GET", "/node-kinds", "listNodeKinds", "Node kinds links may address", "meta",
            _node_kinds,
        ),
    ]  # fmt: skip


def all_operations() -> list[Operation]:
    from communities.api.account_ops import account_operations

    return resource_ops() + action_ops() + account_operations()
