{#
    The argument check of the generic tests that need at least one of several optional
    arguments: stops the compilation with "<test_name> needs a, b or c" when every value of
    `arguments` (two or more argument names -> their values, in the order the message names
    them) is none.
#}
{% macro require_one_of(test_name, arguments) -%}
    {%- set names = arguments.keys() | list -%}
    {%- if execute and arguments.values() | reject('none') | list | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            test_name ~ " needs " ~ names[:-1] | join(', ') ~ " or " ~ names[-1]) }}
    {%- endif -%}
{%- endmacro %}
