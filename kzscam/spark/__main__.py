"""`python -m kzscam.spark` (and `spark-submit ... -m kzscam.spark`): the ready job, see kzscam.spark.job."""

from kzscam.spark.job import main

if __name__ == "__main__":
    main()
