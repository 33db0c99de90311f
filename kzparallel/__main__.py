from kzparallel.cli import main

main()
