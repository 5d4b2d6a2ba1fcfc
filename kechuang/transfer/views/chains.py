"""Industry-chain pages: the list, the chain map with its links, and the map's JSON."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kechuang.core import concurrency
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin, add_service_errors
from kechuang.core.models import Region
from kechuang.core.scoping import get_visible_or_404
from kechuang.transfer import chains
from kechuang.transfer.choices import ChainStage
from kechuang.transfer.models import ChainNode, IndustryChain


class ChainForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = IndustryChain
        fields = chains.CHAIN_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.all()
        if user is not None and not user.is_superuser:
            regions = regions.filter(code__startswith=user.region.prefix if user.region else "-")
        self.fields["region"].queryset = regions
        if user is not None and user.region is not None and not self.instance.pk:
            self.fields["region"].initial = user.region.pk


class NodeForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ChainNode
        fields = chains.NODE_FIELDS

    def __init__(self, *args, chain: IndustryChain, **kwargs):
        super().__init__(*args, **kwargs)
        parents = chains.chain_nodes(chain)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "（无，直接属于上/中/下游）"
        self.fields["parent"].label_from_instance = lambda n: f"{n.get_stage_display()}·{n.name}"
        self.fields["sort_order"].required = False

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class NodeEnterprisesForm(StyledFormMixin, forms.Form):
    node = forms.ModelChoiceField(
        label="环节",
        queryset=ChainNode.objects.none(),
        error_messages={"required": "请选择环节", "invalid_choice": "所选环节不属于该产业链"},
    )
    enterprises = forms.ModelMultipleChoiceField(
        label="该环节的企业",
        required=False,
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": "企业（%(value)s）不在可选范围内"},
        help_text="按住 Ctrl 可多选；未选中的企业将从该环节移出",
    )

    def __init__(self, *args, chain: IndustryChain, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = chains.chain_nodes(chain)
        self.fields["node"].label_from_instance = lambda n: f"{n.get_stage_display()}·{n.name}"
        self.fields["enterprises"].queryset = chains.enterprises_for_chain(user, chain)


def chain_list(request):
    """Every signed-in user: the chains of their region; bureau staff also add chains."""
    may_write = chains.may_write(request.user)
    form = None
    if may_write:
        form = ChainForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                chain = chains.chain_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已新建产业链“{chain.name}”")
                return redirect("transfer:chain_detail", pk=chain.pk)
    elif request.method == "POST":
        raise PermissionDenied("无权维护产业链")
    rows = list(chains.chain_list(request.user))
    counts = chains.chain_counts(request.user, rows)
    for chain in rows:
        chain.demand_count = counts[chain.pk]["demands"]
        chain.achievement_count = counts[chain.pk]["achievements"]
    return render(
        request, "transfer/chain_list.html", {"chains": rows, "form": form, "may_write": may_write}
    )


def _editable(user, chain: IndustryChain) -> bool:
    return chains.may_write(user, chain.region) and (
        IndustryChain.objects.editable_by(user).filter(pk=chain.pk).exists()
    )


def chain_detail(request, pk: int):
    """Whoever may see the chain: its map; bureau staff add or edit links and place firms.

    POST with action=node saves a link (new, or the one named by ?node=), action=enterprises
    sets the firms of a link, action=chain edits the chain itself.
    """
    chain = get_visible_or_404(IndustryChain, request.user, pk=pk)
    editable = _editable(request.user, chain)
    if request.method == "POST" and not editable:
        raise PermissionDenied("无权维护该产业链")

    editing = None
    node_pk = request.GET.get("node", "")
    if editable and node_pk.isdigit():
        editing = chain.nodes.filter(pk=node_pk).first()

    context = {"chain": chain, "editable": editable, "editing": editing}
    if editable:
        action = request.POST.get("action") if request.method == "POST" else None
        post = request.POST if action else None
        node_form = NodeForm(
            post if action == "node" else None,
            instance=editing or ChainNode(chain=chain),
            chain=chain,
            prefix="node",
        )
        firm_form = NodeEnterprisesForm(
            post if action == "enterprises" else None,
            chain=chain,
            user=request.user,
            prefix="firms",
            initial={
                "node": editing.pk if editing else None,
                "enterprises": list(editing.enterprises.values_list("pk", flat=True))
                if editing
                else [],
            },
        )
        chain_form = ChainForm(
            post if action == "chain" else None, instance=chain, user=request.user, prefix="chain"
        )
        done = _apply(request, chain, action, node_form, firm_form, chain_form, editing)
        if done is not None:
            return done
        context.update(node_form=node_form, firm_form=firm_form, chain_form=chain_form)
    tree = chains.chain_tree(chain, request.user)
    context["counts"] = tree["chain"]["counts"]
    context["stages"] = [
        (label, [d for d in tree["nodes"].values() if d["stage"] == value])
        for value, label in ChainStage.choices
    ]
    return render(request, "transfer/chain_detail.html", context)


def _apply(request, chain, action, node_form, firm_form, chain_form, editing):
    """Runs the POSTed action; a redirect when it succeeded, None to show the forms again."""
    url = reverse("transfer:chain_detail", args=[chain.pk])
    try:
        if action == "node" and node_form.is_valid():
            with concurrency.unchanged_since(node_form.instance, node_form.version):
                node = chains.chain_node_save(
                    actor=request.user,
                    chain=chain,
                    node=editing,
                    **{name: node_form.cleaned_data[name] for name in chains.NODE_FIELDS},
                )
            messages.success(request, f"环节“{node.name}”已保存")
            return redirect(f"{url}?node={node.pk}")
        if action == "enterprises" and firm_form.is_valid():
            node = firm_form.cleaned_data["node"]
            chains.chain_node_set_enterprises(
                actor=request.user, node=node, enterprises=firm_form.cleaned_data["enterprises"]
            )
            messages.success(request, f"“{node.name}”的企业已更新")
            return redirect(f"{url}?node={node.pk}")
        if action == "chain" and chain_form.is_valid():
            with concurrency.unchanged_since(chain, chain_form.version):
                chains.chain_save(actor=request.user, chain=chain, **chain_form.cleaned_data)
            messages.success(request, "产业链信息已保存")
            return redirect(url)
    except ValidationError as exc:
        form = {"node": node_form, "enterprises": firm_form, "chain": chain_form}[action]
        add_service_errors(form, exc)
    return None


def chain_map_data(request, pk: int):
    """Whoever may see the chain: the tree for ECharts and each link's firms, demands and
    achievements, limited to what the user may see."""
    chain = get_visible_or_404(IndustryChain, request.user, pk=pk)
    return JsonResponse(
        chains.chain_tree(chain, request.user), json_dumps_params={"ensure_ascii": False}
    )
